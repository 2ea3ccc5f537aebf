"""The points shop's routes: an area's shelf (public), an organisation's items, redeeming, a
person's orders, and the shop's pickups by code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from contract.bodies.points import PICKUP_CODE, ItemCreate, ItemEdit, PickupConfirm
from contract.errors import Forbidden
from contract.events.points import RedemptionStatus
from points.shop.models import Order
from points.shop.schemas import ItemOut, OrderOut, item_out, order_out
from points.shop.service import Shop, buyer_of
from runtime.actors import Actor, ActorDep
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Limit
from runtime.params import AreaPath, IdPath

router = APIRouter(prefix="/shop", tags=["shop"])

ShopDep = Annotated[Shop, Depends(provided(Shop))]
CodePath = Annotated[str, Path(pattern=PICKUP_CODE)]


def _seen(order: Order, actor: Actor) -> OrderOut:
    try:
        own = buyer_of(actor) == order.buyer_account
    except Forbidden:  # an organisation itself, no person: the shop's view
        own = False
    return order_out(order, with_code=own)


@router.get("/areas/{area_code}/items", response_model=list[ItemOut])
async def shelf(area_code: AreaPath, shop: ShopDep, limit: Limit = 50) -> list[ItemOut]:
    """What is on offer to the people of an area (its shelf and those above it); public."""
    return [item_out(item) for item in await shop.shelf(area_code, limit=limit)]


@router.get("/items/{item_id}", response_model=ItemOut)
async def item(item_id: IdPath, shop: ShopDep) -> ItemOut:
    """An item, on the shelf or not; public."""
    return item_out(await shop.item(item_id))


@router.post("/items", status_code=201, response_model=ItemOut)
async def shelve(body: ItemCreate, shop: ShopDep, actor: ActiveActor) -> ItemOut:
    """An organisation puts an item on an area's shelf."""
    return item_out(await shop.shelve(body, actor))


@router.patch("/items/{item_id}", response_model=ItemOut)
async def edit(item_id: IdPath, body: ItemEdit, shop: ShopDep, actor: ActiveActor) -> ItemOut:
    """The organisation that shelved an item changes it."""
    return item_out(await shop.edit(item_id, body, actor))


@router.post("/items/{item_id}/withdraw", response_model=ItemOut)
async def withdraw(item_id: IdPath, shop: ShopDep, actor: ActiveActor) -> ItemOut:
    """The organisation that shelved an item takes it off the shelf."""
    return item_out(await shop.withdraw(item_id, actor))


@router.get("/organizations/{organization_id}/items", response_model=list[ItemOut])
async def items_of(organization_id: IdPath, shop: ShopDep, actor: ActorDep, limit: Limit = 50) -> list[ItemOut]:
    """An organisation's own items, withdrawn ones too: for it only."""
    return [item_out(item) for item in await shop.items_of(organization_id, actor, limit=limit)]


@router.post("/items/{item_id}/orders", status_code=201, response_model=OrderOut)
async def redeem(item_id: IdPath, shop: ShopDep, actor: ActiveActor) -> OrderOut:
    """A member or a resident redeems one of the item with their own points: the order, with
    its pickup code; 409 when none is left or their points do not reach its price."""
    return _seen(await shop.redeem(item_id, actor), actor)


@router.get("/orders", response_model=list[OrderOut])
async def my_orders(
    shop: ShopDep, actor: ActorDep, status: RedemptionStatus | None = None, limit: Limit = 50
) -> list[OrderOut]:
    """The caller's own orders (a member's or a resident's), the newest first, with their codes."""
    return [_seen(order, actor) for order in await shop.orders_of(actor, status=status, limit=limit)]


@router.get("/orders/{order_id}", response_model=OrderOut)
async def order(order_id: IdPath, shop: ShopDep, actor: ActorDep) -> OrderOut:
    """An order, for its buyer and its shop's organisation."""
    return _seen(await shop.order(order_id, actor), actor)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel(order_id: IdPath, shop: ShopDep, actor: ActorDep) -> OrderOut:
    """The buyer cancels an order before its pickup: the points and the stock come back."""
    return _seen(await shop.cancel(order_id, actor), actor)


@router.get("/organizations/{organization_id}/orders", response_model=list[OrderOut])
async def shop_orders(
    organization_id: IdPath, shop: ShopDep, actor: ActorDep, status: RedemptionStatus | None = None, limit: Limit = 50
) -> list[OrderOut]:
    """An organisation's shop's orders (`status=ordered`: those to hand over), codes hidden."""
    found = await shop.shop_orders(organization_id, actor, status=status, limit=limit)
    return [order_out(order, with_code=False) for order in found]


@router.get("/pickups/{code}", response_model=OrderOut)
async def by_code(code: CodePath, shop: ShopDep, actor: ActorDep) -> OrderOut:
    """The caller's shop's order with that pickup code (the page its QR opens)."""
    return order_out(await shop.by_code(code, actor), with_code=True)


@router.post("/pickups", response_model=OrderOut)
async def pick_up(body: PickupConfirm, shop: ShopDep, actor: ActiveActor) -> OrderOut:
    """The shop hands an order over against its pickup code; 409 when it was picked up,
    cancelled or expired."""
    return order_out(await shop.pick_up(body.code, actor), with_code=True)
