"""The thinnest flow through all five services, over real Kafka and FerretDB."""

from __future__ import annotations

import httpx
import pytest

from shared.testing import PlatformApi, TestStack, eventually

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

        [proposal] = await api.proposals_for(need_id)
        assert proposal["resource_id"] == resource_id
        assert proposal["need_organization_id"] == community
        assert proposal["resource_organization_id"] == union
        assert {r["name"] for r in proposal["reasons"]} == {"proximity", "capacity_fit"}
        assert proposal["score"] == pytest.approx(0.6 * 0.6 + 0.4 * 1.0)  # same street, enough capacity

        seen = await api.get("gateway", "/api/v1/proposals", organization_id=community)
        [view] = [v for v in seen["items"] if v["proposal"]["id"] == proposal["id"]]
        assert view["need"]["title"] == "需要first_aid_training"
        assert view["resource"]["id"] == resource_id

        async def on_the_page() -> None:
            page = await http.get(stack.url("gateway") + "/")
            assert page.status_code == 200
            assert f'data-proposal="{proposal["id"]}"' in page.text

        await eventually(on_the_page)
