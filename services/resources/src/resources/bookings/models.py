"""A booking: a venue's time held for an organisation or a resident, and how it ends."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from contract.aggregates import Versioned
from contract.events.resources import BookingStatus
from resources.resources.models import InvalidTransition, now

HOLDING = frozenset({BookingStatus.REQUESTED, BookingStatus.CONFIRMED})  # bookings that take up their slots


class Booking(Versioned):
    venue_id: str
    venue_organization_id: str
    organization_id: str | None = None  # who booked: an organisation, or
    resident_id: str | None = None  # a resident
    starts_at: datetime
    ends_at: datetime
    attendees: int = 1
    purpose: str = ""
    status: BookingStatus
    series_id: str | None = None
    proposal_id: str | None = None
    agreement_id: str | None = None  # a co-building agreement's venue commitment booked it
    need_id: str | None = None
    reason: str | None = None
    created_at: datetime = Field(default_factory=now)
    decided_at: datetime | None = None

    def end(self, status: BookingStatus, reason: str) -> None:
        if self.status not in HOLDING:
            raise InvalidTransition(f"the booking is {self.status.value} already", status=self.status.value)
        self.status = status
        self.reason = reason
        self.decided_at = now()
