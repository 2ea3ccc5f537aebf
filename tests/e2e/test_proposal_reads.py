"""Who reads proposals, and the needs and supply of a page of them in one request each: matching
answers a proposal only to its two organisations, an administrator of its need's area and the
platform; `GET /needs?ids=` and `GET /resources?ids=` show each item as its own read would."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack


@pytest.fixture
async def proposal(stack: TestStack, http: httpx.AsyncClient) -> dict[str, Any]:
    """A proposal between two organisations of a street of its own, and a third organisation."""
    api = PlatformApi(stack, http)
    street = f"350105{random.randint(100, 999)}"
    asking = await api.register_organization("读取测试社区", street + "001")
    offering = await api.register_organization("读取测试志愿队", street + "002")
    other = await api.register_organization("读取测试旁观者", street + "003")
    need_id = await api.post_need(asking, "tutoring", street + "001", quantity=2)
    resource_id = await api.share_resource(offering, "tutoring", street + "002", kind="service")

    async def proposed() -> dict[str, Any]:
        found = [p for p in await api.proposals_for(need_id) if p["resource_id"] == resource_id]
        assert found, "not proposed yet"
        return found[0]

    return {**await eventually(proposed), "other": other, "street": street}


async def test_a_proposal_is_read_by_its_sides_its_areas_administrators_and_the_platform_only(
    stack: TestStack, http: httpx.AsyncClient, proposal: dict[str, Any]
) -> None:
    matching = stack.url("matching")
    one = f"{matching}/proposals/{proposal['id']}"
    district = proposal["street"][:6]
    elsewhere = "350199" if district != "350199" else "350198"

    async def listed(actor: Actor | None, **params: str) -> httpx.Response:
        return await http.get(matching + "/proposals", params=params, headers=acting(actor))

    assert (await http.get(one)).status_code == 401
    assert (await listed(None)).status_code == 401
    assert (await listed(None, need_id=proposal["need_id"])).status_code == 401

    allowed = [
        organization(proposal["need_organization_id"]),
        organization(proposal["resource_organization_id"]),
        Actor(kind=ActorKind.AREA_ADMIN, area_code=district),
        PLATFORM,
    ]
    for actor in allowed:
        assert (await http.get(one, headers=acting(actor))).status_code == 200, actor
        page = (await listed(actor, need_id=proposal["need_id"])).json()
        assert proposal["id"] in {p["id"] for p in page["items"]}, actor

    other = organization(proposal["other"])
    stranger = Actor(kind=ActorKind.AREA_ADMIN, area_code=elsewhere)
    for actor in (other, stranger):
        assert (await http.get(one, headers=acting(actor))).status_code == 404, actor
        assert (await listed(actor, need_id=proposal["need_id"])).json()["items"] == [], actor
        everything = (await listed(actor, limit="200")).json()["items"]
        assert proposal["id"] not in {p["id"] for p in everything}, actor
    assert (await listed(other, organization_id=proposal["need_organization_id"])).status_code == 403
    resident = Actor(kind=ActorKind.RESIDENT, resident_id="r" * 32, area_code=proposal["street"] + "001")
    assert (await listed(resident)).status_code == 403


async def test_needs_and_supply_are_read_by_ids_as_each_would_be_read_alone(
    stack: TestStack, http: httpx.AsyncClient, proposal: dict[str, Any]
) -> None:
    api = PlatformApi(stack, http)
    asking = proposal["need_organization_id"]
    draft = await api.post_need(asking, "tutoring", proposal["street"] + "001", draft=True)
    unknown = "f" * 32
    ids = [proposal["need_id"], draft, unknown]

    async def needs_read_by(actor: Actor) -> set[str]:
        page = await api.get("needs", "/needs", actor=actor, ids=ids)
        return {n["id"] for n in page["items"]}

    assert await needs_read_by(organization(asking)) == {proposal["need_id"], draft}
    assert await needs_read_by(organization(proposal["other"])) == {proposal["need_id"]}  # not another's draft

    offering = proposal["resource_organization_id"]
    hidden = await api.share_resource(offering, "tutoring", proposal["street"] + "002", kind="service", draft=True)
    asked = {"ids": [proposal["resource_id"], hidden, unknown]}
    for actor, seen in (
        (organization(offering), {proposal["resource_id"], hidden}),
        (PLATFORM, {proposal["resource_id"]}),
    ):
        page = await api.get("resources", "/resources", actor=actor, **asked)
        assert {r["id"] for r in page["items"]} == seen, actor

    too_many = await http.get(stack.url("needs") + "/needs", params={"ids": [unknown] * 201})
    not_an_id = await http.get(stack.url("resources") + "/resources", params={"ids": ["../x"]})
    assert too_many.status_code == not_an_id.status_code == 422
