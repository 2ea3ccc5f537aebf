"""What the activity routes read and answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator

from contract.bodies.needs import Posting, Strict
from contract.schemas import ID_PATTERN, Moment
from needs.activities.models import ActivityStatus
from needs.common import Posted


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


class SignUpOut(BaseModel):
    resident_id: str
    name: str
    people: int
    signed_at: datetime


class ActivityOut(Posted):
    place: str
    venue_id: str | None
    starts_at: datetime
    ends_at: datetime
    sign_up_until: datetime
    places: int
    taken: int
    remaining: int
    status: ActivityStatus
    signed_up: bool = Field(description="whether the acting resident holds a place")
    signups: list[SignUpOut] | None = Field(description="who signed up: for the organiser only")
    version: int
