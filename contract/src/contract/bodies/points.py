"""What is sent to put an item on a points shop's shelf, change or withdraw it, and confirm an
order's pickup by its code."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contract.schemas import AREA_CODE, Moment, Patch

PICKUP_CODE = r"^[0-9]{8}$"


class ItemKind(StrEnum):
    GOODS = "goods"
    SERVICE = "service"
    VENUE_TIME = "venue_time"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemCreate(Strict):
    """An item an organisation offers on the shelf of an area (`area_code`, where it is picked
    up), for `price` points each, `stock` of them, between `valid_from` and `valid_until`."""

    kind: ItemKind
    name: str = Field(min_length=1, max_length=100, examples=["大米 5 斤"])
    description: str = Field(default="", max_length=2000)
    area_code: str = AREA_CODE
    price: int = Field(ge=1, le=1_000_000)
    stock: int = Field(ge=0, le=100_000)
    valid_from: Moment | None = None
    valid_until: Moment | None = None

    @model_validator(mode="after")
    def _valid_period(self) -> Self:
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must come after valid_from")
        return self


class ItemEdit(Patch):
    """The fields to change; those left out stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=2000)
    price: int | None = Field(default=None, ge=1, le=1_000_000)
    stock: int | None = Field(default=None, ge=0, le=100_000)
    valid_until: Moment | None = None


class PickupConfirm(Strict):
    """The pickup code the person shows (typed, or read from its QR)."""

    code: str = Field(pattern=PICKUP_CODE, examples=["40718263"])
