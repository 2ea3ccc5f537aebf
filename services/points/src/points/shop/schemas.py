"""What the shop's routes answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contract.bodies.points import ItemKind
from contract.events.points import RedemptionStatus
from points.shop.models import Item, ItemStatus, Order


class ItemOut(BaseModel):
    id: str
    organization_id: str
    kind: ItemKind
    name: str
    description: str
    area_code: str
    price: int
    stock: int
    valid_from: datetime | None
    valid_until: datetime | None
    status: ItemStatus
    created_at: datetime
    version: int


class OrderOut(BaseModel):
    """An order; its pickup code only to its buyer (the shop learns it when the person shows it)."""

    id: str
    item_id: str
    item_name: str
    organization_id: str
    area_code: str
    buyer_account: str
    price: int
    code: str | None
    status: RedemptionStatus
    ordered_at: datetime
    expires_at: datetime
    closed_at: datetime | None


def item_out(item: Item) -> ItemOut:
    return ItemOut.model_validate(item, from_attributes=True)


def order_out(order: Order, *, with_code: bool) -> OrderOut:
    out = OrderOut.model_validate(order, from_attributes=True)
    if not with_code:
        out.code = None
    return out
