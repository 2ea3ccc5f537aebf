"""The points shop (积分超市): items on the shelves of an area, and the orders that redeem them."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from contract.aggregates import Versioned
from contract.bodies.points import ItemKind
from contract.errors import Conflict
from contract.events.points import RedemptionData, RedemptionStatus


class ItemStatus(StrEnum):
    ON_SHELF = "on_shelf"
    WITHDRAWN = "withdrawn"


class Item(Versioned):
    """An organisation's item on an area's shelf: `stock` left, for `price` points each.

    The stock is taken and given back by conditional updates of the stored document only (see
    `repository.MongoItemRepository`), never written from a copy in memory by a redemption."""

    organization_id: str
    kind: ItemKind
    name: str
    description: str = ""
    area_code: str
    price: int = Field(ge=1)
    stock: int = Field(ge=0)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    status: ItemStatus = ItemStatus.ON_SHELF
    created_at: datetime

    def on_offer(self, moment: datetime) -> bool:
        """On the shelf and valid at `moment`."""
        started = self.valid_from is None or self.valid_from <= moment
        ended = self.valid_until is not None and self.valid_until <= moment
        return self.status is ItemStatus.ON_SHELF and started and not ended


def pickup_code() -> str:
    """A one-time pickup code: 8 random digits."""
    return f"{secrets.randbelow(10**8):08d}"


class Order(Versioned):
    """One item redeemed by a person (`buyer_account`) for `price` points, picked up at the shop
    with `code` by `expires_at`. `returning`: expired or cancelled, its points and stock not all
    back yet (a sweep finishes it after a crash)."""

    item_id: str
    item_name: str
    organization_id: str
    area_code: str
    buyer_account: str
    price: int = Field(ge=1)
    code: str
    status: RedemptionStatus = RedemptionStatus.PENDING
    ordered_at: datetime
    expires_at: datetime
    closed_at: datetime | None = None
    returning: bool = False

    @property
    def shop_account(self) -> str:
        return f"shop:{self.organization_id}"

    def require(self, *allowed: RedemptionStatus) -> None:
        if self.status not in allowed:
            raise Conflict(f"the order is {self.status.value}", status=self.status.value)

    def data(self) -> RedemptionData:
        return RedemptionData(
            order_id=self.id,
            **self.model_dump(
                include={
                    "item_id",
                    "item_name",
                    "organization_id",
                    "area_code",
                    "buyer_account",
                    "price",
                    "status",
                    "ordered_at",
                    "expires_at",
                }
            ),
        )
