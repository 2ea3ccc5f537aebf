"""The city's live figures, for any node of the hierarchy, on the portal and through the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from devkit.testing import PlatformApi, TestStack, eventually, organization

pytestmark = pytest.mark.stack

COMMUNITY = "350111010001"


async def test_the_figures_of_a_community_count_what_happened_in_it_and_the_city_counts_it_too(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("某社区党委", COMMUNITY, kind="party_committee")
    helper = await api.register_organization("某企业党支部", COMMUNITY)
    need_id = await api.post_need(poster, "legal_aid", COMMUNITY, quantity=1)
    await api.share_resource(helper, "venue", COMMUNITY)
    await api.share_resource(helper, "legal_aid", COMMUNITY, kind="service")
    claim = await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 1}, actor=organization(helper))
    await api.post("needs", f"/needs/{need_id}/claims/{claim['id']}/start", {}, 200, actor=organization(helper))
    await api.post("needs", f"/needs/{need_id}/claims/{claim['id']}/complete", {}, 200, actor=organization(poster))
    url = stack.url("gateway") + "/api/v1/stats"

    async def counted() -> dict[str, Any]:
        figures: dict[str, Any] = (await http.get(url, params={"area_code": COMMUNITY})).json()
        assert figures["totals"] == {
            "organizations": 2,
            "members": 0,
            "needs_posted": 1,
            "claims_completed": 1,
            "needs_fulfilled": 0,
            "needs_open": 0,
            "venues_shared": 1,
            "services_shared": 1,
        }, figures["totals"]
        return figures

    community = await eventually(counted)
    assert community["area"]["code"] == COMMUNITY and community["by_category"]["legal_aid"]["service"] == 1

    async def city_counts_it_too() -> None:  # its figures may be one CACHE_SECONDS behind the community's
        city = (await http.get(url)).json()
        assert city["area"]["code"] == "350100"
        assert all(city["totals"][k] >= v for k, v in community["totals"].items()), city["totals"]

    await eventually(city_counts_it_too)
    assert (await http.get(url, params={"area_code": "35011101000x"})).status_code == 422
    assert (await http.get(url, params={"area_code": "999999"})).status_code == 404

    page = (await http.get(stack.url("gateway") + "/")).text
    assert 'data-figure="needs_posted"' in page and "党组织" in page
