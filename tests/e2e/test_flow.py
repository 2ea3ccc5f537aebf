"""The thinnest flow through all five services, over real Kafka and FerretDB."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually

pytestmark = pytest.mark.stack


class TestANeedMeetsAVenue:
    async def test_a_posted_need_and_a_shared_venue_become_a_proposal_the_gateway_shows(
        self, stack: TestStack, http: httpx.AsyncClient
    ) -> None:
        api = PlatformApi(stack, http)
        community = await api.register_organization("安泰社区党委", "350102001001")
        union = await api.register_organization("鼓楼区总工会", "350102001002", kind="union")

        need_id = await api.post_need(community, "first_aid_training", "350102001001", quantity=30)
        resource_id = await api.share_resource(union, "first_aid_training", "350102001002", capacity=40)

        async def ours() -> dict[str, Any]:  # other tests share first aid too
            found = [p for p in await api.proposals_for(need_id) if p["resource_id"] == resource_id]
            assert len(found) == 1, f"{len(found)} proposals of {resource_id} yet"
            return found[0]

        proposal = await eventually(ours)
        assert proposal["need_organization_id"] == community
        assert proposal["resource_organization_id"] == union
        for status, listed in (("proposed", True), ("declined", False)):
            asked = {"organization_id": union, "status": status}
            page = (await http.get(stack.url("matching") + "/proposals", params=asked, headers=acting(PLATFORM))).json()
            assert (proposal["id"] in {p["id"] for p in page["items"]}) is listed, status
        reasons = {r["name"]: r for r in proposal["reasons"]}
        assert set(reasons) == {"distance", "neighbourhood", "urgency", "age", "reliability", "fairness"}
        assert proposal["score"] == pytest.approx(sum(r["weight"] * r["value"] for r in reasons.values()), abs=1e-3)
        assert reasons["neighbourhood"]["value"] == 0.6  # the same street

        key = await api.issue_key(community, ["read"])
        gateway = stack.url("gateway") + "/api/v1/proposals"
        seen = (await http.get(gateway, headers=key)).json()
        [view] = [v for v in seen["items"] if v["proposal"]["id"] == proposal["id"]]
        assert view["need"]["title"] == "需要first_aid_training"
        assert view["resource"]["id"] == resource_id

        async def on_the_page() -> None:
            page = await http.get(stack.url("gateway") + "/")
            assert page.status_code == 200
            assert f'data-proposal="{proposal["id"]}"' in page.text

        await eventually(on_the_page)


class TestThePartnerApi:
    async def test_it_needs_a_key_and_shows_only_the_keys_own_organisation(
        self, stack: TestStack, http: httpx.AsyncClient
    ) -> None:
        api = PlatformApi(stack, http)
        mine = await api.register_organization("晋安区鼓山镇党委", "350111001001", kind="party_committee")
        other = await api.register_organization("晋安区某社区党委", "350111001002", kind="party_committee")
        key = await api.issue_key(mine, ["read"])
        url = stack.url("gateway") + "/api/v1/proposals"

        assert (await http.get(url)).status_code == 401
        assert (await http.get(url, headers={"Authorization": "Bearer pbs_nope"})).status_code == 401
        foreign = await http.get(url, params={"organization_id": other}, headers=key)
        assert foreign.status_code == 403 and "own organization" in foreign.json()["error"]["message"]
        need_id = await api.post_need(mine, "sports", "350111001001")
        await api.share_resource(other, "sports", "350111001002")
        [proposal] = await api.proposals_for(need_id)
        own = (await http.get(url, params={"organization_id": mine}, headers=key)).json()["items"]
        assert proposal["id"] in {p["proposal"]["id"] for p in own}
        assert all(
            mine in (p["proposal"]["need_organization_id"], p["proposal"]["resource_organization_id"]) for p in own
        )
