"""Accepted proposals run as a saga across needs, resources and matching, over real Kafka."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from contract.ids import entity_id
from contract.opening_hours import LOCAL
from devkit.testing import PLATFORM, PlatformApi, TestStack, eventually, organization
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack


async def proposal_between(api: PlatformApi, need_id: str, resource_id: str) -> dict[str, Any]:
    async def found() -> dict[str, Any]:
        mine = [p for p in await api.proposals_for(need_id) if p["resource_id"] == resource_id]
        assert mine, f"no proposal of {resource_id} for {need_id} yet"
        return mine[0]

    return await eventually(found)


async def proposal_is(api: PlatformApi, proposal_id: str, status: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any]:
        proposal: dict[str, Any] = await api.get("matching", f"/proposals/{proposal_id}", actor=PLATFORM)
        assert proposal["status"] == status, f"{proposal['status']}, waiting for {status}"
        return proposal

    return await eventually(reached, within=40)


async def decide(api: PlatformApi, proposal_id: str, decision: str, org: str, status: int = 200) -> dict[str, Any]:
    return await api.post("matching", f"/proposals/{proposal_id}/{decision}", {}, status, actor=organization(org))


async def test_an_accepted_venue_match_ends_claimed_and_booked_though_resources_was_down_meanwhile(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    area = "350104005001"
    branch = await api.register_organization("某党支部", area)
    centre = await api.register_organization("某社区党群服务中心", "350104005002", kind="party_committee")
    start = (datetime.now(LOCAL) + timedelta(days=5)).replace(hour=14, minute=0, second=0, microsecond=0)
    when = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
    need_id = await api.post_need(branch, "venue", area, quantity=1, **when)
    venue_id = await api.share_resource(centre, "venue", "350104005002", capacity=60)
    proposal = await proposal_between(api, need_id, venue_id)
    assert proposal["starts_at"] is not None and proposal["status"] == "proposed"

    await decide(api, proposal["id"], "accept", "0" * 32, 404)  # not a side of it
    resources = stack.services["resources"]
    resources.kill()  # down while the saga runs
    try:
        half = await decide(api, proposal["id"], "accept", branch)
        assert (half["status"], half["need_accepted"], half["supply_accepted"]) == ("proposed", True, False)
        both = await decide(api, proposal["id"], "accept", centre)
        assert both["status"] == "accepted"

        async def claimed() -> None:
            seen = await api.get("matching", f"/proposals/{proposal['id']}", actor=PLATFORM)
            assert seen["claim_made"] and not seen["supply_made"], seen

        await eventually(claimed, within=30)
    finally:
        resources.start()
        resources.wait_ready()

    await proposal_is(api, proposal["id"], "confirmed")
    need = await api.get("needs", f"/needs/{need_id}", actor=organization(branch))
    assert [(c["organization_id"], c["proposal_id"]) for c in need["claims"]] == [(centre, proposal["id"])]
    bookings = await api.get("resources", "/bookings", actor=organization(branch))
    [booking] = [b for b in bookings["items"] if b["proposal_id"] == proposal["id"]]
    assert (booking["venue_id"], booking["status"]) == (venue_id, "confirmed")
    assert datetime.fromisoformat(booking["starts_at"]) == start
    await decide(api, proposal["id"], "decline", branch, 409)  # it is done


async def test_a_refused_claim_fails_the_match_and_the_service_request_is_undone(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    area = "350104006001"
    poster = await api.register_organization("某社区党委", area, kind="party_committee")
    tutor = await api.register_organization("某学校党支部", "350104006002")
    quick = await api.register_organization("某志愿队", "350104006003")
    start = (datetime.now(LOCAL) + timedelta(days=6)).replace(hour=16, minute=0, second=0, microsecond=0)
    when = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
    need_id = await api.post_need(poster, "tutoring", area, quantity=2, **when)
    service_id = await api.share_resource(tutor, "tutoring", "350104006002", capacity=5, kind="service")
    proposal = await proposal_between(api, need_id, service_id)
    assert proposal["quantity"] == 2

    await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 2}, actor=organization(quick))  # gone first
    await decide(api, proposal["id"], "accept", tutor)
    await decide(api, proposal["id"], "accept", poster)

    failed = await proposal_is(api, proposal["id"], "failed")
    assert failed["reason"]  # the needs service's refusal, as it said it
    request_id = entity_id("service_request", proposal["id"])

    async def undone() -> None:
        request = await api.get("resources", f"/service-requests/{request_id}", actor=organization(tutor))
        assert (request["status"], request["reason"]) == ("cancelled", "match_failed"), request

    await eventually(undone, within=30)
    service = await api.get("resources", f"/resources/{service_id}")
    assert sum(service["used"].values()) == 0  # its capacity is back


async def test_a_restart_rebuilds_the_same_index_from_the_topics_and_the_city_is_rematched(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    area = "350104007001"
    poster = await api.register_organization("某社区党委", area, kind="party_committee")
    helper = await api.register_organization("某律所党支部", "350104007002")
    need_id = await api.post_need(poster, "legal_aid", area, quantity=3)
    resource_id = await api.share_resource(helper, "legal_aid", "350104007002", capacity=10, kind="service")
    await proposal_between(api, need_id, resource_id)  # both are in the index
    index = stack.url("matching") + "/index"

    async def settled() -> dict[str, Any]:
        state: dict[str, Any] = (await http.get(index)).json()
        assert state["live"] and state["open_needs"] > 0 and state["supply"] > 0, state
        return state

    before = await settled()
    matching = stack.services["matching"]
    matching.kill()
    matching.start(snapshot_dir="")  # no snapshot: the index from the topics' beginning
    matching.wait_ready()
    after = await eventually(settled, within=60)
    assert (after["open_needs"], after["supply"]) == (before["open_needs"], before["supply"])
    assert after["rebuilt_in_s"] is not None and after["events_read"] >= before["events_read"]

    matching.restart()  # with its snapshots again
    await eventually(settled, within=60)
    matching.stop()  # a clean stop writes the index's snapshot; the next start reads on from it
    matching.start()
    matching.wait_ready()
    again = await eventually(settled, within=60)
    assert (again["open_needs"], again["supply"]) == (before["open_needs"], before["supply"])
    assert again["events_read"] < before["events_read"]  # only what came after the snapshot
    assert "index restored from its snapshot" in matching.log_tail(80)
    views = [json.loads(line) for line in matching.log_tail(80).splitlines() if "caught up with the service" in line]
    assert views and views[-1]["restored"] is True  # the proposals' view, from its snapshot too
    await proposal_between(api, need_id, resource_id)  # and listed from it

    city_admin = Actor(kind=ActorKind.AREA_ADMIN, area_code="350100")
    result = await api.post("matching", "/rematch", {}, 200, actor=city_admin)
    assert result["needs"] >= 1 and result["assigned"] >= 1 and result["total_score"] > 0
    await api.post("matching", "/rematch", {}, 403, actor=organization(poster))
