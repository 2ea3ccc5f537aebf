"""A service request: an organisation asking for a service or lendable on a day, which takes
from that period's capacity once the provider accepts."""

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


def today() -> date:
    """Today in China Standard Time."""
    return now().astimezone(LOCAL).date()


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
