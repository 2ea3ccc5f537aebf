"""What is sent to post, edit and claim a need, post and claim a micro-wish, post an activity
and sign up for one, and rate help received."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contract.events.needs import Recurrence, Urgency, Visibility
from contract.schemas import AREA_CODE, AREA_PATTERN, ID_PATTERN, Moment, Patch
from contract.taxonomy import Category

ActingOrganization = Annotated[
    str | None, Field(pattern=ID_PATTERN, description="the acting organisation's if left out")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Posting(Strict):
    """What an organisation posts, a need or an activity, begins with."""

    organization_id: ActingOrganization = None
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    category: Category
    area_code: str = AREA_CODE


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


class ClaimDone(Strict):
    """What the posting organisation says when it completes a claim."""

    served: int | None = Field(
        default=None, ge=0, le=100_000, description="person-times actually served; the claim's quantity if left out"
    )


class WishCreate(Strict):
    resident_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="required when a community worker posts"
    )
    resident_name: str = Field(min_length=1, max_length=50, examples=["王阿姨"])
    area_code: str | None = Field(default=None, pattern=AREA_PATTERN, description="the resident's own if left out")
    title: str = Field(min_length=1, max_length=200, examples=["想要一台收音机"])
    description: str = Field(default="", max_length=2000)
    category: Category = Category.ELDERLY_CARE


class WishClaimCreate(Strict):
    member_id: str | None = Field(default=None, pattern=ID_PATTERN)


class ActivityCreate(Posting):
    title: str = Field(min_length=1, max_length=200, examples=["社区义诊进楼栋"])
    place: str = Field(default="", max_length=300, description="where it is held")
    venue_id: str | None = Field(default=None, pattern=ID_PATTERN, description="a shared venue it is held at")
    starts_at: Moment
    ends_at: Moment
    sign_up_until: Moment | None = Field(default=None, description="`starts_at` if left out")
    places: int = Field(ge=1, le=100_000, description="people who may sign up")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.starts_at <= datetime.now(UTC):
            raise ValueError("an activity is posted before it starts")
        if self.sign_up_until and self.sign_up_until > self.starts_at:
            raise ValueError("sign-up closes by the start at the latest")
        return self


class SignUpCreate(Strict):
    name: str = Field(min_length=1, max_length=50, description="the resident's name, for the organiser")
    people: int = Field(default=1, ge=1, le=10, description="the resident and those they bring")


class EvaluationTag(StrEnum):
    ON_TIME = "on_time"
    AS_DESCRIBED = "as_described"
    FRIENDLY = "friendly"
    PROFESSIONAL = "professional"


class EvaluationCreate(Strict):
    """A rating (评价) of help received, by the side that received it."""

    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)
    tags: list[EvaluationTag] = Field(default_factory=list, max_length=4)


class EvaluationAnswer(Strict):
    """The rated organisation's one answer to a rating."""

    text: str = Field(min_length=1, max_length=500)


class EvaluationHide(Strict):
    """Why an administrator hides a rating's comment (the stars still count)."""

    reason: str = Field(min_length=1, max_length=200)
