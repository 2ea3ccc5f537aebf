"""Matching follows a need's lifecycle and its suppliers' record, on the real Kafka and FerretDB
with the five services running: a need whose claim is let go is proposed again, a cancelled
need's open proposals are withdrawn, and the reliability a proposal explains itself with learns
from ratings, completed claims and the imported history. Each test keeps to a street of its own."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from contract.events import NEEDS_TOPIC
from contract.events.needs import (
    EvaluationData,
    EvaluationGiven,
    NeedCancelled,
    NeedChangeData,
    NeedStatus,
    RatedKind,
)
from contract.ids import new_id
from devkit.testing import (
    PLATFORM,
    PlatformApi,
    TestStack,
    acting,
    eventually,
    organization,
    send_raw,
    wait_consumed,
)
from runtime.actors import Actor, ActorKind
from runtime.kafka import encode

pytestmark = pytest.mark.stack


async def proposal_between(api: PlatformApi, need_id: str, resource_id: str) -> dict[str, Any]:
    async def found() -> dict[str, Any]:
        mine = [p for p in await api.proposals_for(need_id) if p["resource_id"] == resource_id]
        assert mine, f"no proposal of {resource_id} for {need_id} yet"
        return mine[0]

    return await eventually(found, within=30)


async def index_holds(api: PlatformApi, need_id: str) -> bool:
    state = await api.get("matching", "/index", need_id=[need_id])
    return need_id in state["holds"]


async def reliability_shown(api: PlatformApi, poster: str, area_code: str, resource_id: str) -> float:
    """The reliability term of the proposal the supply item gets for a need posted now."""
    need_id = await api.post_need(poster, "tutoring", area_code, quantity=1)
    proposal = await proposal_between(api, need_id, resource_id)
    value: float = next(r["value"] for r in proposal["reasons"] if r["name"] == "reliability")
    return value


async def reliability_becomes(
    api: PlatformApi, poster: str, area_code: str, resource_id: str, expected: float, *, tries: int = 6
) -> None:
    """A need posted now is proposed the supply item with this reliability (a need is posted
    again while the events that change it may still be on their way)."""
    seen: list[float] = []
    for _ in range(tries):
        seen.append(await reliability_shown(api, poster, area_code, resource_id))
        if seen[-1] == pytest.approx(expected, abs=1e-4):
            return
        await asyncio.sleep(1)
    raise AssertionError(f"the reliability shown was {seen}, not {expected}")


async def test_a_need_fully_claimed_then_released_is_proposed_again(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    street = "350104061"
    poster = await api.register_organization("某社区党委", street + "001", kind="party_committee")
    first = await api.register_organization("某学校党支部", street + "002")
    claimer = await api.register_organization("某志愿队", street + "003")
    second = await api.register_organization("某律所党支部", street + "004")
    need_id = await api.post_need(poster, "tutoring", street + "001", quantity=1)
    early = await api.share_resource(first, "tutoring", street + "002", capacity=5, kind="service")
    await proposal_between(api, need_id, early)

    claim = await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 1}, actor=organization(claimer))

    async def out_of_the_index() -> None:
        assert not await index_holds(api, need_id)

    await eventually(out_of_the_index)
    late = await api.share_resource(second, "tutoring", street + "004", capacity=5, kind="service")
    probe = await api.post_need(poster, "tutoring", street + "001", quantity=1)
    await proposal_between(api, probe, late)  # the new supply is in the index, the claimed need is not
    assert not [p for p in await api.proposals_for(need_id) if p["resource_id"] == late]

    await api.post("needs", f"/needs/{need_id}/claims/{claim['id']}/release", {}, 200, actor=organization(claimer))

    again = await proposal_between(api, need_id, late)
    assert again["status"] == "proposed" and again["quantity"] == 1
    assert await index_holds(api, need_id)


async def test_cancelling_a_need_withdraws_its_open_proposals(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    street = "350104062"
    poster = await api.register_organization("某社区党委", street + "001", kind="party_committee")
    helper = await api.register_organization("某学校党支部", street + "002")
    need_id = await api.post_need(poster, "tutoring", street + "001", quantity=2)
    resource_id = await api.share_resource(helper, "tutoring", street + "002", capacity=5, kind="service")
    proposal = await proposal_between(api, need_id, resource_id)

    async def open_ones(org_id: str) -> set[str]:
        listed = await http.get(
            stack.url("matching") + "/proposals",
            params={"status": ["proposed", "accepted"]},
            headers=acting(organization(org_id)),
        )
        assert listed.status_code == 200, listed.text
        return {p["id"] for p in listed.json()["items"]}

    assert proposal["id"] in await open_ones(helper)

    await api.post("needs", f"/needs/{need_id}/cancel", {}, 200, actor=organization(poster))

    async def withdrawn() -> dict[str, Any]:
        seen: dict[str, Any] = await api.get("matching", f"/proposals/{proposal['id']}", actor=PLATFORM)
        assert seen["status"] == "withdrawn", seen["status"]
        return seen

    ended = await eventually(withdrawn, within=30)
    assert ended["reason"] == "the need was cancelled"
    assert proposal["id"] not in await open_ones(helper) | await open_ones(poster)
    await api.post("matching", f"/proposals/{proposal['id']}/accept", {}, 409, actor=organization(helper))

    # the cancellation delivered again (the group does not remember what it handled): nothing changes
    data = NeedChangeData(
        need_id=need_id, organization_id=poster, status=NeedStatus.CANCELLED, quantity=2, claimed=0, version=9
    )
    sent = await send_raw(
        stack.kafka, stack.topic(NEEDS_TOPIC), [encode(NeedCancelled(source="needs", subject=need_id, data=data))]
    )
    await wait_consumed(stack.kafka, stack.group("matching"), sent)
    again = await api.get("matching", f"/proposals/{proposal['id']}", actor=PLATFORM)
    assert again == ended


async def test_ratings_and_completed_claims_change_the_reliability_a_proposal_shows(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    street = "350104063"
    poster = await api.register_organization("某社区党委", street + "001", kind="party_committee")
    helper = await api.register_organization("某学校党支部", street + "002")
    resource_id = await api.share_resource(helper, "tutoring", street + "002", capacity=99, kind="service")
    assert await reliability_shown(api, poster, street + "001", resource_id) == 0.5  # nothing known yet

    ratings = [
        EvaluationGiven(
            source="/services/needs",
            subject=evaluation_id,
            data=EvaluationData(
                evaluation_id=evaluation_id,
                subject=RatedKind.CLAIM,
                subject_id=new_id(),
                organization_id=helper,
                area_code=street + "001",
                stars=5,
            ),
        )
        for evaluation_id in (new_id(), new_id())
    ]
    await send_raw(stack.kafka, stack.topic(NEEDS_TOPIC), [encode(e) for e in ratings])
    await reliability_becomes(api, poster, street + "001", resource_id, (0 + 2 + 1) / (0 + 0 + 2 + 2))

    done = await api.post_need(poster, "legal_aid", street + "001", quantity=1)  # nobody near to propose
    claim = await api.post("needs", f"/needs/{done}/claims", {"quantity": 1}, actor=organization(helper))
    await api.post("needs", f"/needs/{done}/claims/{claim['id']}/complete", {}, 200, actor=organization(poster))
    await reliability_becomes(api, poster, street + "001", resource_id, (1 + 2 + 1) / (1 + 0 + 2 + 2))


async def test_the_imported_history_changes_the_reliability_a_proposal_shows(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    street = "350104064"
    poster = await api.register_organization("某社区党委", street + "001", kind="party_committee")
    helper = await api.register_organization("某学校党支部", street + "002")
    resource_id = await api.share_resource(helper, "tutoring", street + "002", capacity=99, kind="service")
    assert await reliability_shown(api, poster, street + "001", resource_id) == 0.5

    posted = datetime.now(UTC) - timedelta(days=400)
    made, completed = posted + timedelta(days=1), posted + timedelta(days=2)
    past = {
        "id": new_id(),
        "organization_id": poster,
        "title": "暑期辅导",
        "category": "tutoring",
        "area_code": street + "001",
        "quantity": 2,
        "posted_at": posted.isoformat(),
        "fulfilled_at": (posted + timedelta(days=3)).isoformat(),
        "claims": [{"organization_id": helper, "made_at": made.isoformat(), "completed_at": completed.isoformat()}] * 2,
    }
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=street)
    answer = await api.post("needs", "/needs/history", {"needs": [past]}, 200, actor=admin)
    assert answer == {"imported": 1, "already_there": 0}
    await reliability_becomes(api, poster, street + "001", resource_id, (2 + 1) / (2 + 0 + 2))

    again = await api.post("needs", "/needs/history", {"needs": [past]}, 200, actor=admin)
    assert again == {"imported": 0, "already_there": 1}
    await asyncio.sleep(2)  # were its claims announced again, matching would have counted them by now
    assert await reliability_shown(api, poster, street + "001", resource_id) == 0.75
