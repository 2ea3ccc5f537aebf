"""A merchant's points shop through the partner API with its registry key: it shelves an item,
sees the orders to hand over (their codes hidden from it), confirms a pickup by the code the
buyer shows, once; a key without `shop:write` confirms nothing, and another merchant's key
neither sees the orders nor hands them over."""

from __future__ import annotations

import httpx
import pytest

from contract.events import NEEDS_TOPIC
from contract.ids import new_id
from devkit.points import fund
from devkit.testing import PlatformApi, TestStack, organization

pytestmark = pytest.mark.stack

AREA = "350111004002"


async def test_a_merchant_key_shelves_sees_its_orders_and_confirms_a_pickup_once(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    merchant = await api.register_organization("社区便民超市", AREA, kind="shop")
    other = await api.register_organization("另一家便利店", AREA, kind="shop")
    key = await api.issue_key(merchant, ["read", "shop:write"])
    reads_only = await api.issue_key(merchant, ["read"])
    stranger = await api.issue_key(other, ["read", "shop:write"])
    base = stack.url("gateway") + "/api/v1"
    buyer = new_id()
    needs, group = stack.topic(NEEDS_TOPIC), stack.group("points")
    await fund(stack.kafka, needs, group, [buyer], served=2, claimer=other, poster=merchant)

    item = {"kind": "goods", "name": "洗衣液", "area_code": AREA, "price": 12, "stock": 5}
    assert (await http.post(f"{base}/shop/items", json=item, headers=reads_only)).status_code == 403
    shelved = await http.post(f"{base}/shop/items", json=item, headers=key)
    assert shelved.status_code == 201, shelved.text
    order = await api.post(
        "points", f"/shop/items/{shelved.json()['id']}/orders", {}, actor=organization(new_id(), member_id=buyer)
    )

    orders = f"{base}/shop/organizations/{merchant}/orders"
    listed = await http.get(orders, params={"status": "ordered"}, headers=key)
    assert listed.status_code == 200 and [(o["id"], o["code"]) for o in listed.json()] == [(order["id"], None)]
    assert (await http.get(orders, headers=stranger)).status_code == 403

    pickups = f"{base}/shop/pickups"
    assert (await http.post(pickups, json={"code": "12"}, headers=key)).status_code == 422
    assert (await http.post(pickups, json={"code": order["code"]}, headers=reads_only)).status_code == 403
    assert (await http.post(pickups, json={"code": order["code"]}, headers=stranger)).status_code == 404
    picked = await http.post(pickups, json={"code": order["code"]}, headers=key)
    assert picked.status_code == 200 and picked.json()["status"] == "picked_up", picked.text
    assert (await http.post(pickups, json={"code": order["code"]}, headers=key)).status_code == 409
