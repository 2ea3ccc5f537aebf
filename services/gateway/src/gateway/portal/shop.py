"""The portal's points shop (积分超市): the shop of the visitor's area, their balance and their
orders with the pickup code and its QR, to redeem and to cancel; for an organisation's
administrators, its shelf (putting items on it, withdrawing them), the orders to hand over and
the pickup confirmed by the code, typed or read from the QR (which opens `/org/shop/pickup`)."""

from __future__ import annotations

import asyncio
from typing import Any

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contract.bodies.points import PICKUP_CODE, ItemCreate, PickupConfirm
from gateway.portal.accounts import Account, Role
from gateway.portal.web import (
    AreaFilter,
    ItemId,
    OrgAdminIn,
    Posted,
    ServicesDep,
    SignedIn,
    form_time,
    render,
)

router = APIRouter(include_in_schema=False)


def own_account(account: Account) -> str | None:
    """The points account a visitor redeems from: a resident's, or a member's; None for others."""
    if account.role is Role.RESIDENT:
        return f"resident:{account.id}"
    if account.member_id:
        return f"member:{account.member_id}"
    return None


async def _area_of(up: ServicesDep, account: Account) -> str | None:
    """The area whose shop a visitor sees: their home, their node, or their organisation's."""
    if account.area_code:
        return account.area_code
    if account.organization_id:
        organization = await up.get(up.organizations, f"/organizations/{account.organization_id}")
        return str(organization["area_code"])
    return None


def qr_of(url: str) -> str:
    """A QR code of `url`, as an SVG data URI for an `<img>` (the page's policy allows `data:`)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def pickup_url(request: Request, code: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/org/shop/pickup?code={code}"


@router.get("/shop", response_class=HTMLResponse)
async def shop(request: Request, visitor: SignedIn, up: ServicesDep, area: AreaFilter = None) -> HTMLResponse:
    """The items on offer in the visitor's area (or the one chosen), their points and their
    orders with the pickup codes and QR codes to show at the shop."""
    area = area or await _area_of(up, visitor.account)
    mine = own_account(visitor.account)
    items, balance, orders = await asyncio.gather(
        up.get(up.points, f"/shop/areas/{area}/items", {"limit": 100}) if area else _nothing([]),
        up.get(up.points, f"/accounts/{mine}/balance") if mine else _nothing(None),
        up.get(up.points, "/shop/orders", {"limit": 50}) if mine else _nothing([]),
    )
    for order in orders:
        if order["status"] == "ordered" and order["code"]:
            order["qr"] = qr_of(pickup_url(request, order["code"]))
    return await render(request, "shop.html", visitor, items=items, balance=balance, orders=orders, area=area or "")


async def _nothing(value: Any) -> Any:
    return value


@router.post("/shop/items/{item_id}/redeem")
async def redeem(item_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Orders one of the item with the visitor's own points (the service checks stock and balance)."""
    return await up.act(up.points, f"/shop/items/{item_id}/orders", "/shop")


@router.post("/shop/orders/{order_id}/cancel")
async def cancel(order_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Cancels the visitor's order before its pickup: the points come back."""
    return await up.act(up.points, f"/shop/orders/{order_id}/cancel", "/shop")


@router.get("/org/shop", response_class=HTMLResponse)
async def shelf(request: Request, visitor: OrgAdminIn, up: ServicesDep) -> HTMLResponse:
    """The organisation's shop: its items, the orders to hand over, the pickup by code."""
    organization_id = visitor.account.organization_id
    items, orders, area = await asyncio.gather(
        up.get(up.points, f"/shop/organizations/{organization_id}/items", {"limit": 100}),
        up.get(up.points, f"/shop/organizations/{organization_id}/orders", {"status": "ordered", "limit": 100}),
        _area_of(up, visitor.account),
    )
    shelf = (area or "")[:12]  # a community's shelf, where its people look, even for one of a building
    return await render(request, "shop_org.html", visitor, items=items, orders=orders, area=shelf)


@router.post("/org/shop/items")
async def put_on_shelf(visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Puts an item on an area's shelf (the service validates it and says why not)."""
    fields = {
        "kind": str(form.get("kind", "goods")),
        "name": str(form.get("name", "")).strip(),
        "description": str(form.get("description", "")),
        "area_code": str(form.get("area_code", "")).strip(),
        "price": str(form.get("price", "")),
        "stock": str(form.get("stock", "")),
        "valid_until": form_time(str(form.get("valid_until", ""))),
    }
    return await up.act(up.points, "/shop/items", "/org/shop", ItemCreate, fields)


@router.post("/org/shop/items/{item_id}/withdraw")
async def withdraw(item_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Takes the organisation's item off the shelf."""
    return await up.act(up.points, f"/shop/items/{item_id}/withdraw", "/org/shop")


@router.post("/org/shop/pickups")
async def confirm_pickup(visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Hands an order over against the code the person shows (typed, or from its QR's page)."""
    code = str(form.get("code", "")).strip()
    return await up.act(up.points, "/shop/pickups", "/org/shop", PickupConfirm, {"code": code})


@router.get("/org/shop/pickup", response_class=HTMLResponse)
async def pickup(
    request: Request, visitor: OrgAdminIn, up: ServicesDep, code: str = Query(pattern=PICKUP_CODE)
) -> Response:
    """The page an order's QR opens on the shop's phone: the order, and the button to hand it over."""
    order = await up.get(up.points, f"/shop/pickups/{code}")
    return await render(request, "shop_pickup.html", visitor, order=order)
