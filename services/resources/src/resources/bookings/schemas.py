"""What the HTTP API reads and answers of bookings and venues' calendars."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from contract.bodies.resources import ID
from contract.events.resources import BookingStatus
from contract.schemas import Moment


class BookingOut(BaseModel):
    id: str
    venue_id: str
    venue_organization_id: str
    organization_id: str | None
    resident_id: str | None
    starts_at: datetime
    ends_at: datetime
    attendees: int
    purpose: str
    status: BookingStatus
    series_id: str | None
    proposal_id: str | None
    need_id: str | None
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
    version: int


class Occurrence(BaseModel):
    starts_at: datetime
    ends_at: datetime
    booking: BookingOut | None = None
    refused: str | None = None  # why this occurrence could not be booked


class SeriesOut(BaseModel):
    series_id: str
    booked: int
    refused: int
    occurrences: list[Occurrence]


class BookingAction(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    CANCEL = "cancel"
    NO_SHOW = "no_show"


class CalendarEntry(BaseModel):
    """A time a venue is taken; who took it and why only for its owner and the booker."""

    booking_id: str
    starts_at: datetime
    ends_at: datetime
    status: BookingStatus
    purpose: str | None = None
    organization_id: str | None = None


class PastBooking(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ID
    venue_id: ID
    organization_id: ID
    starts_at: Moment
    ends_at: Moment
    attendees: int = Field(default=1, ge=1, le=100_000)
    purpose: str = Field(default="", max_length=500)


class BookingImport(BaseModel):
    """Bookings made elsewhere before (the venue's paper ledger), imported by an administrator."""

    model_config = ConfigDict(extra="forbid")

    bookings: list[PastBooking] = Field(min_length=1, max_length=1000)
