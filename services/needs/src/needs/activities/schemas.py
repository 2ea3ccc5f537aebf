"""What the activity routes read and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from contract.events.needs import ActivityStatus
from needs.common import Posted


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
