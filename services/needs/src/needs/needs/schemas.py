"""What the needs routes read and answer: needs, their claims, and the history import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from contract.bodies.needs import Strict
from contract.events.needs import NeedStatus, Recurrence, Urgency, Visibility
from contract.schemas import AREA_CODE, ID_PATTERN, Moment
from contract.taxonomy import Category
from needs.common import Posted
from needs.needs.models import Claim


class NeedOut(Posted):
    lat: float | None
    lon: float | None
    starts_at: datetime | None
    ends_at: datetime | None
    recurrence: Recurrence | None
    deadline: datetime | None
    quantity: int
    claimed: int
    remaining: int
    unit: str
    urgency: Urgency
    visibility: Visibility
    visible_to: str | None
    status: NeedStatus
    claims: list[Claim]
    created_at: datetime
    posted_at: datetime | None
    edited_at: datetime | None
    fulfilled_at: datetime | None
    version: int


class PastClaim(Strict):
    organization_id: str = Field(pattern=ID_PATTERN)
    member_id: str | None = Field(default=None, pattern=ID_PATTERN)
    quantity: int = Field(default=1, ge=1, le=100_000)
    made_at: Moment
    completed_at: Moment


class PastNeed(Strict):
    """A need fulfilled before the platform kept it: for the history import."""

    id: str = Field(pattern=ID_PATTERN, description="the importer's: a second import of the same need adds nothing")
    organization_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    category: Category
    area_code: str = AREA_CODE
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    quantity: int = Field(ge=1, le=100_000)
    unit: Literal["people", "units"] = "people"
    urgency: Urgency = Urgency.NORMAL
    posted_at: Moment
    fulfilled_at: Moment
    claims: list[PastClaim] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.posted_at <= self.fulfilled_at <= datetime.now(UTC):
            raise ValueError("posted_at ≤ fulfilled_at ≤ now")
        if sum(c.quantity for c in self.claims) > self.quantity:
            raise ValueError("the claims add up to more than the quantity")
        if any(not self.posted_at <= c.made_at <= c.completed_at <= self.fulfilled_at for c in self.claims):
            raise ValueError("each claim is made after the need was posted and completed by its fulfilment")
        return self


class HistoryImport(Strict):
    needs: list[PastNeed] = Field(min_length=1, max_length=1000)
