"""The points shop on the real Kafka and FerretDB: never more orders than stock and never a
balance below zero under concurrency; pickup by code once; cancelled and expired orders give
their points and their stock back; an order a crash left half done is finished at start."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from contract.events import NEEDS_TOPIC, POINTS_TOPIC
from contract.ids import new_id
from devkit.points import fund
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization, read_topic
from runtime.actors import Actor, ActorKind
from runtime.mongo import Document

pytestmark = pytest.mark.stack

COMMUNITY = "350121990002"


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def member(member_id: str) -> Actor:
    return organization(new_id(), member_id=member_id)


async def funded(stack: TestStack, orgs: tuple[str, str], count: int, served: int = 1) -> list[str]:
    """`count` new members of the first organisation with `served` × 10 points each, earned on a
    need of the second."""
    members = [new_id() for _ in range(count)]
    claimer, poster = orgs
    await fund(
        stack.kafka, stack.topic(NEEDS_TOPIC), stack.group("points"), members, served, claimer=claimer, poster=poster
    )
    return members


async def shelved(api: PlatformApi, shop: str, *, price: int, stock: int, **extra: Any) -> dict[str, Any]:
    body = {"kind": "goods", "name": "大米 5 斤", "area_code": COMMUNITY, "price": price, "stock": stock, **extra}
    return await api.post("points", "/shop/items", body, actor=organization(shop))


async def points_of(api: PlatformApi, account: str) -> int:
    balance: dict[str, Any] = await api.get("points", f"/accounts/{account}/balance", actor=PLATFORM)
    return int(balance["points"])


@pytest.fixture
async def shop(api: PlatformApi) -> str:
    return await api.register_organization("社区积分超市", COMMUNITY, kind="shop")


@pytest.fixture
async def orgs(api: PlatformApi, shop: str) -> tuple[str, str]:
    """The organisation whose members earn the points, and the one they served."""
    return await api.register_organization("社区党支部", COMMUNITY), shop


async def test_500_concurrent_redemptions_of_a_stock_of_50_make_exactly_50_orders(
    api: PlatformApi, stack: TestStack, shop: str, orgs: tuple[str, str]
) -> None:
    members = await funded(stack, orgs, 500)
    item = await shelved(api, shop, price=10, stock=50)
    url = f"{stack.url('points')}/shop/items/{item['id']}/orders"
    limits = httpx.Limits(max_connections=500)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        answers = await asyncio.gather(*(client.post(url, headers=acting(member(m))) for m in members))

    assert Counter(a.status_code for a in answers) == {201: 50, 409: 450}
    assert (await api.get("points", f"/shop/items/{item['id']}"))["stock"] == 0
    sold = await api.get("points", f"/shop/organizations/{shop}/orders?limit=200", actor=organization(shop))
    assert len(sold) == 50 and {o["status"] for o in sold} == {"ordered"}
    balances = [await points_of(api, f"member:{m}") for m in members]
    assert min(balances) == 0 and Counter(balances) == {0: 50, 10: 450}
    assert await points_of(api, f"shop:{shop}") == 500


async def test_a_person_with_points_for_one_item_redeeming_two_at_once_gets_exactly_one(
    api: PlatformApi, stack: TestStack, shop: str, orgs: tuple[str, str]
) -> None:
    (buyer,) = await funded(stack, orgs, 1)
    item = await shelved(api, shop, price=10, stock=10)
    url = f"{stack.url('points')}/shop/items/{item['id']}/orders"
    async with httpx.AsyncClient(timeout=30) as client:
        answers = await asyncio.gather(*(client.post(url, headers=acting(member(buyer))) for _ in range(2)))

    assert sorted(a.status_code for a in answers) == [201, 409]
    refused = next(a for a in answers if a.status_code == 409).json()["error"]
    assert refused["code"] == "insufficient_balance"
    assert await points_of(api, f"member:{buyer}") == 0
    assert (await api.get("points", f"/shop/items/{item['id']}"))["stock"] == 9  # the refused one's came back


async def test_the_shop_hands_an_order_over_once_against_its_code(
    api: PlatformApi, http: httpx.AsyncClient, stack: TestStack, shop: str, orgs: tuple[str, str]
) -> None:
    (buyer,) = await funded(stack, orgs, 1, served=2)
    item = await shelved(api, shop, price=15, stock=3)
    order = await api.post("points", f"/shop/items/{item['id']}/orders", {}, actor=member(buyer))
    assert len(order["code"]) == 8 and order["status"] == "ordered"
    assert (await api.get("points", f"/shop/orders/{order['id']}", actor=organization(shop)))["code"] is None

    other = await api.register_organization("另一家商户", COMMUNITY, kind="shop")
    pickups = f"{stack.url('points')}/shop/pickups"
    elsewhere = await http.post(pickups, json={"code": order["code"]}, headers=acting(organization(other)))
    assert elsewhere.status_code == 404
    picked = await api.post("points", "/shop/pickups", {"code": order["code"]}, 200, actor=organization(shop))
    assert picked["status"] == "picked_up"
    again = await http.post(pickups, json={"code": order["code"]}, headers=acting(organization(shop)))
    assert again.status_code == 409
    cancel = f"{stack.url('points')}/shop/orders/{order['id']}/cancel"
    assert (await http.post(cancel, headers=acting(member(buyer)))).status_code == 409
    assert (await points_of(api, f"member:{buyer}"), await points_of(api, f"shop:{shop}")) == (5, 15)


async def test_a_cancelled_order_gives_back_its_points_and_its_stock_announced(
    api: PlatformApi, http: httpx.AsyncClient, stack: TestStack, shop: str, orgs: tuple[str, str]
) -> None:
    (buyer,) = await funded(stack, orgs, 1)
    item = await shelved(api, shop, price=10, stock=1)
    order = await api.post("points", f"/shop/items/{item['id']}/orders", {}, actor=member(buyer))
    stranger = f"{stack.url('points')}/shop/orders/{order['id']}/cancel"
    assert (await http.post(stranger, headers=acting(member(new_id())))).status_code == 404

    cancelled = await api.post("points", f"/shop/orders/{order['id']}/cancel", {}, 200, actor=member(buyer))
    assert cancelled["status"] == "cancelled"
    assert await points_of(api, f"member:{buyer}") == 10 and await points_of(api, f"shop:{shop}") == 0
    assert (await api.get("points", f"/shop/items/{item['id']}"))["stock"] == 1

    def of_order(records: list[Any]) -> list[str]:
        events = [json.loads(r.value) for r in records]
        return [e["type"] for e in events if e["subject"] == order["id"]]

    records = await read_topic(stack.kafka, stack.topic(POINTS_TOPIC), until=lambda got: len(of_order(got)) == 2)
    assert of_order(records) == ["redemption.ordered", "redemption.cancelled"]


async def test_an_area_shows_its_shelf_and_those_above_it_on_offer_only(api: PlatformApi, shop: str) -> None:
    street = COMMUNITY[:9]
    ours = await shelved(api, shop, price=5, stock=1)
    above = await shelved(api, shop, price=5, stock=1, area_code=street)
    later = await shelved(api, shop, price=5, stock=1, valid_from=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    gone = await shelved(api, shop, price=5, stock=1)
    await api.post("points", f"/shop/items/{gone['id']}/withdraw", {}, 200, actor=organization(shop))

    shown = {i["id"] for i in await api.get("points", f"/shop/areas/{COMMUNITY}/items?limit=200")}
    assert {ours["id"], above["id"]} <= shown and not {later["id"], gone["id"]} & shown
    mine = {i["id"] for i in await api.get("points", f"/shop/organizations/{shop}/items", actor=organization(shop))}
    assert {ours["id"], above["id"], later["id"], gone["id"]} <= mine


async def test_orders_left_half_done_are_finished_at_start_and_overdue_ones_expire(
    api: PlatformApi, stack: TestStack, shop: str, orgs: tuple[str, str], mongo: AsyncMongoClient[Document]
) -> None:
    (buyer,) = await funded(stack, orgs, 1, served=3)
    item = await shelved(api, shop, price=10, stock=5)
    kept = await api.post("points", f"/shop/items/{item['id']}/orders", {}, actor=member(buyer))
    # a crash after the stock was taken, before the points moved: left pending, its token on the item
    db = mongo[stack.database("points")]
    stale = datetime.now(UTC) - timedelta(hours=1)
    half_done = {
        "_id": new_id(),
        **{k: kept[k] for k in ("item_id", "item_name", "organization_id", "area_code", "buyer_account", "price")},
        "code": "00000001",
        "status": "pending",
        "ordered_at": stale,
        "expires_at": stale + timedelta(days=7),
        "closed_at": None,
        "returning": False,
        "version": 1,
    }
    await db["orders"].insert_one(half_done)
    await db["shop_items"].update_one(
        {"_id": item["id"]}, {"$inc": {"stock": -1}, "$push": {"in_flight": half_done["_id"]}}
    )

    await asyncio.to_thread(stack.services["points"].restart, PICKUP_DAYS="0")
    try:
        assert await db["orders"].find_one({"_id": half_done["_id"]}) is None  # undone: nothing was paid
        fresh = await api.post("points", f"/shop/items/{item['id']}/orders", {}, actor=member(buyer))

        async def expired() -> None:
            order = await api.get("points", f"/shop/orders/{fresh['id']}", actor=member(buyer))
            assert order["status"] == "expired"

        await eventually(expired)

        async def given_back() -> None:  # the order is closed first, its points and stock returned after
            assert await points_of(api, f"member:{buyer}") == 20  # the kept order's 10 only
            assert (await api.get("points", f"/shop/items/{item['id']}"))["stock"] == 4

        await eventually(given_back)
    finally:
        await asyncio.to_thread(stack.services["points"].restart)


async def test_only_a_member_or_a_resident_redeems_and_only_the_shelving_organisation_edits(
    api: PlatformApi, http: httpx.AsyncClient, stack: TestStack, shop: str
) -> None:
    item = await shelved(api, shop, price=10, stock=1)
    base = stack.url("points") + "/shop/items/" + item["id"]
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)
    assert (await http.post(base + "/orders", headers=acting(organization(shop)))).status_code == 403
    assert (await http.post(base + "/orders", headers=acting(admin))).status_code == 403
    resident = Actor(kind=ActorKind.RESIDENT, resident_id=new_id(), area_code=COMMUNITY)
    poor = await http.post(base + "/orders", headers=acting(resident))
    assert (poor.status_code, poor.json()["error"]["code"]) == (409, "insufficient_balance")
    other = organization(new_id())
    assert (await http.patch(base, json={"price": 1}, headers=acting(other))).status_code == 403
    assert (await http.patch(base, json={"price": 0}, headers=acting(organization(shop)))).status_code == 422
    edited = await http.patch(base, json={"price": 8, "stock": 4}, headers=acting(organization(shop)))
    assert (edited.json()["price"], edited.json()["stock"]) == (8, 4)
