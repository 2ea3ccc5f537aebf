"""The supply side: venues, lendables and services that organisations share, the bookings that
hold a venue's time, and the requests that take a service's capacity. The lifecycle rules live
here; who may do what lives in the use cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, PlainSerializer, computed_field

from contract.aggregates import Versioned
from contract.errors import Conflict
from contract.opening_hours import LOCAL, OpeningPeriod, open_between
from contract.taxonomy import Category

SLOT = timedelta(minutes=30)  # bookings start and end on the half hour
MAX_BOOKING = timedelta(hours=12)


# BSON has no date without a time: it is kept as ISO text.
Day = Annotated[date, PlainSerializer(lambda d: d.isoformat(), return_type=str)]


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in China Standard Time."""
    return now().astimezone(LOCAL).date()


class ResourceKind(StrEnum):
    VENUE = "venue"  # a room or hall, booked by the half hour
    LENDABLE = "lendable"  # equipment lent by the unit, `capacity` units a period
    SERVICE = "service"  # what an organisation does for others, `capacity` people a period


class ResourceStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"


SHARED = frozenset({ResourceStatus.PUBLISHED, ResourceStatus.PAUSED})  # what the platform counts as shared
R = ResourceStatus
TRANSITIONS: dict[ResourceStatus, frozenset[ResourceStatus]] = {
    R.DRAFT: frozenset({R.PUBLISHED, R.WITHDRAWN}),
    R.PUBLISHED: frozenset({R.PAUSED, R.WITHDRAWN}),
    R.PAUSED: frozenset({R.PUBLISHED, R.WITHDRAWN}),
    R.WITHDRAWN: frozenset(),
}


class BookableBy(StrEnum):
    ANYONE = "anyone"  # residents and organisations
    AREA = "area"  # residents and organisations of the venue's area subtree
    PARTNERS = "partners"  # organisations only (partner units), not individual residents


class CapacityPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def period_of(period: CapacityPeriod, day: date) -> str:
    """The key of the capacity period `day` falls in: 2026-12-07, 2026-W49 or 2026-12."""
    if period is CapacityPeriod.DAY:
        return day.isoformat()
    if period is CapacityPeriod.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m")


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Resource(Versioned):
    organization_id: str
    kind: ResourceKind
    name: str
    description: str = ""
    category: Category
    area_code: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    capacity: int  # people a venue holds, units lent or people served a period
    facilities: list[str] = Field(default_factory=list)
    photos: list[str] = Field(default_factory=list)
    opening_hours: list[OpeningPeriod] = Field(default_factory=lambda: [OpeningPeriod()])
    bookable_by: BookableBy = BookableBy.ANYONE
    needs_approval: bool = False
    service_radius_km: float | None = None
    capacity_period: CapacityPeriod | None = None
    takes: dict[str, dict[str, int]] = Field(default_factory=dict)  # period → request → units (services, lendables)
    status: ResourceStatus = ResourceStatus.DRAFT
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime | None = None

    def move(self, to: ResourceStatus) -> None:
        if to not in TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"a {self.status.value} resource cannot become {to.value}", status=self.status.value, to=to.value
            )
        self.status = to
        self.updated_at = now()

    def open_between(self, start: datetime, end: datetime) -> bool:
        return open_between(self.opening_hours, start, end)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def used(self) -> dict[str, int]:
        """Capacity taken, per period."""
        return {period: sum(takes.values()) for period, takes in sorted(self.takes.items()) if takes}

    def take(self, period: str, request_id: str, quantity: int) -> None:
        """Takes `quantity` of a period's capacity for a request, or Conflict when less is left.
        Taking for the same request again changes nothing: a retry after a crash is safe."""
        takes = self.takes.setdefault(period, {})
        if request_id in takes:
            return
        left = self.capacity - sum(takes.values())
        if quantity > left:
            raise Conflict(f"only {left} of {self.name}'s capacity is left in {period}", period=period, left=left)
        takes[request_id] = quantity

    def give_back(self, period: str, request_id: str) -> None:
        """Gives back what a request took (nothing, when it took nothing)."""
        self.takes.get(period, {}).pop(request_id, None)


class BookingStatus(StrEnum):
    REQUESTED = "requested"  # holds the slot, waits for the venue's approval
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # not approved before it began
    NO_SHOW = "no_show"  # released by the venue: nobody came


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


def slot_starts(start: datetime, end: datetime) -> list[datetime]:
    """The half hours a time range takes."""
    count = (end - start) // SLOT
    return [start + i * SLOT for i in range(count)]


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class ServiceRequest(Versioned):
    resource_id: str
    provider_organization_id: str
    organization_id: str  # the requester
    need_id: str | None = None
    wanted_on: Day
    period: str
    quantity: int
    note: str = ""
    status: RequestStatus = RequestStatus.REQUESTED
    proposal_id: str | None = None
    reason: str | None = None
    created_at: datetime = Field(default_factory=now)
    decided_at: datetime | None = None

    def decide(self, status: RequestStatus, reason: str | None = None) -> None:
        allowed = {
            RequestStatus.REQUESTED: {RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.CANCELLED},
            RequestStatus.ACCEPTED: {RequestStatus.CANCELLED},
        }.get(self.status, set())
        if status not in allowed:
            raise InvalidTransition(
                f"a {self.status.value} request cannot become {status.value}", status=self.status.value
            )
        self.status = status
        self.reason = reason
        self.decided_at = now()
