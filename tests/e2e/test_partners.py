""" "Partners" are co-building partners, on the real stack: a need shown to partners and a venue
booked by partners only are open to the parties of an agreement in force with their organisation
and to the organisations on their community's neighbour partner list (近邻合伙人) — no longer to
any organisation that happens to be in the same community; and the agreement ended, no more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devkit.testing import PlatformApi, TestStack, acting, eventually, organization
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

COMMUNITY, ELSEWHERE = "350124982001", "350124981001"


async def test_partners_are_those_who_co_build_not_those_next_door(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("南门社区党委", COMMUNITY)
    neighbour = await api.register_organization("南门商户联合党支部", COMMUNITY)
    listed = await api.register_organization("城南医院党支部", ELSEWHERE)
    need_id = await api.post_need(poster, "elderly_care", COMMUNITY, visibility="partners", visible_to=COMMUNITY)
    hall = await api.share_resource(poster, "party_education", COMMUNITY, name="南门党群活动室", bookable_by="partners")
    need = f"{stack.url('needs')}/needs/{need_id}"

    async def sees(organization_id: str, area_code: str) -> int:
        return (await http.get(need, headers=acting(organization(organization_id, area_code)))).status_code

    def booking(day: int) -> dict[str, str]:
        start = (datetime.now(UTC) + timedelta(days=day)).replace(hour=2, minute=0, second=0, microsecond=0)
        return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}

    async def books(organization_id: str, area_code: str, day: int) -> httpx.Response:
        return await http.post(
            f"{stack.url('resources')}/venues/{hall}/bookings",
            json=booking(day),
            headers=acting(organization(organization_id, area_code)),
        )

    assert await sees(neighbour, COMMUNITY) == 404  # next door is not a partner
    refused = await books(neighbour, COMMUNITY, 3)
    assert refused.status_code == 403 and "partner" in refused.text

    base = stack.url("cobuilding")
    body: dict[str, Any] = {
        "title": "社区党委与商户联合党支部结对共建",
        "parties": [poster, neighbour],
        "starts_on": datetime.now(UTC).date().isoformat(),
        "ends_on": (datetime.now(UTC) + timedelta(days=200)).date().isoformat(),
    }
    made = await api.post("cobuilding", "/agreements", body, actor=organization(poster, COMMUNITY))
    await api.post("cobuilding", f"/agreements/{made['id']}/sign", {}, 200, actor=organization(neighbour, COMMUNITY))

    async def neighbour_is_a_partner() -> None:
        assert await sees(neighbour, COMMUNITY) == 200
        assert (await books(neighbour, COMMUNITY, 4)).status_code == 201

    await eventually(neighbour_is_a_partner)

    assert await sees(listed, ELSEWHERE) == 404
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)
    stranger = Actor(kind=ActorKind.AREA_ADMIN, area_code=ELSEWHERE)
    path = f"{base}/communities/{COMMUNITY}/partners"
    assert (await http.put(path, json={"organization_ids": [listed]}, headers=acting(stranger))).status_code == 403
    put = await http.put(path, json={"organization_ids": [listed]}, headers=acting(admin))
    assert put.status_code == 200, put.text
    assert (await http.get(path)).json()["organization_ids"] == [listed]

    async def listed_is_a_partner() -> None:
        assert await sees(listed, ELSEWHERE) == 200

    await eventually(listed_is_a_partner)

    await api.post("cobuilding", f"/agreements/{made['id']}/end", {}, 200, actor=organization(poster, COMMUNITY))

    async def no_more() -> None:
        assert await sees(neighbour, COMMUNITY) == 404

    await eventually(no_more)
