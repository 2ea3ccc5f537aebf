"""A service request: an organisation or a resident asking for a service or lendable on a day,
which takes from that period's capacity once the provider accepts, and its lifecycle."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, PlainSerializer

from contract.aggregates import Versioned
from contract.events.resources import RequestStatus
from contract.opening_hours import LOCAL
from resources.resources.models import InvalidTransition, now

# BSON has no date without a time: it is kept as ISO text.
Day = Annotated[date, PlainSerializer(lambda d: d.isoformat(), return_type=str)]

S = RequestStatus
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.REQUESTED: frozenset({S.ACCEPTED, S.DECLINED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.COMPLETED, S.CANCELLED}),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
    S.COMPLETED: frozenset(),
}


def today() -> date:
    """Today in China Standard Time."""
    return now().astimezone(LOCAL).date()


class ServiceRequest(Versioned):
    resource_id: str
    provider_organization_id: str
    organization_id: str | None = None  # the requester: an organisation, or
    resident_id: str | None = None  # a resident,
    resident_name: str | None = None  # named for the provider
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
    completed_at: datetime | None = None

    def check_move(self, to: RequestStatus) -> None:
        """InvalidTransition (409) naming the status and the moves it allows, unless it allows `to`."""
        if to not in TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"a {self.status.value} request cannot become {to.value}",
                status=self.status.value,
                allowed=sorted(s.value for s in TRANSITIONS[self.status]),
            )

    def decide(self, status: RequestStatus, reason: str | None = None) -> None:
        self.check_move(status)
        self.status = status
        self.reason = reason
        if status is RequestStatus.COMPLETED:
            self.completed_at = now()
        else:
            self.decided_at = now()
