"""Matching follows a need's lifecycle, on the real Kafka and FerretDB with the five services
running: a need whose claim is let go is proposed again, a cancelled need's open proposals are
withdrawn. Each test keeps to a street of its own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization

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
