"""A resource: a venue, lendable or service an organisation shares, its lifecycle, and the
capacity a service or lendable gives out by the period. The lifecycle rules live here; who may
do what lives in the use cases."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, computed_field

from contract.aggregates import Versioned
from contract.aggregates import now as stored_now
from contract.errors import Conflict
from contract.events.resources import BookableBy, CapacityPeriod, ResourceKind, ResourceStatus
from contract.opening_hours import OpeningPeriod, open_between
from contract.taxonomy import Category


def now() -> datetime:
    return stored_now()


SHARED = frozenset({ResourceStatus.PUBLISHED, ResourceStatus.PAUSED})  # what the platform counts as shared
R = ResourceStatus
TRANSITIONS: dict[ResourceStatus, frozenset[ResourceStatus]] = {
    R.DRAFT: frozenset({R.PUBLISHED, R.WITHDRAWN}),
    R.PUBLISHED: frozenset({R.PAUSED, R.WITHDRAWN}),
    R.PAUSED: frozenset({R.PUBLISHED, R.WITHDRAWN}),
    R.WITHDRAWN: frozenset(),
}


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
