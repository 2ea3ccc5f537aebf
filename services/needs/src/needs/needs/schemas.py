"""What the needs routes read and answer: needs, their claims, and the history import."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from contract.events.needs import Recurrence, Urgency, Visibility
from contract.schemas import AREA_CODE, AREA_PATTERN, ID_PATTERN, Moment, Patch
from contract.taxonomy import Category
from needs.common import Posted, Posting, Strict
from needs.needs.models import Claim, NeedStatus


class NeedCreate(Posting):
    title: str = Field(min_length=1, max_length=200, examples=["党员活动日需借用会议室"])
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    recurrence: Recurrence | None = None
    deadline: Moment | None = Field(default=None, description="claims are taken until then; `starts_at` if left out")
    quantity: int = Field(ge=1, le=100_000, description="people or units needed")
    unit: Literal["people", "units"] = "people"
    urgency: Urgency = Urgency.NORMAL
    visibility: Visibility = Visibility.PUBLIC
    visible_to: str | None = Field(
        default=None, pattern=AREA_PATTERN, description="the area or community it is shown to"
    )
    draft: bool = Field(default=False, description="keep it as a draft: not shown, not claimable, until published")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.recurrence and not self.starts_at:
            raise ValueError("a recurring need needs starts_at")
        if (self.visibility is Visibility.PUBLIC) != (self.visible_to is None):
            raise ValueError("visible_to is given exactly when visibility is area or partners")
        return self


class NeedEdit(Patch):
    """The fields to change; those left out stay as they are."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    quantity: int | None = Field(default=None, ge=1, le=100_000)
    urgency: Urgency | None = None
    deadline: Moment | None = None


class ClaimCreate(Strict):
    quantity: int = Field(default=1, ge=1, le=100_000)
    member_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="a member claiming through the organisation"
    )
    start_by: Moment | None = Field(default=None, description="expires unless started by then; the need's start")


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
