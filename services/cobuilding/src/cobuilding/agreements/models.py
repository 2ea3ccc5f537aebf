"""An agreement, its commitments and what was recorded of them kept; and the occurrences a
commitment falls due on over the term, each done, due, missed or still to come."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from cobuilding.clock import CST
from contract.aggregates import Versioned
from contract.commitments import periods
from contract.errors import Conflict
from contract.events.cobuilding import AgreementStatus, CommitmentData

State = Literal["done", "due", "missed", "upcoming"]


class Fulfilment(BaseModel):
    on: date
    note: str = ""
    by: str  # the organisation that recorded it
    at: datetime


class Commitment(CommitmentData):
    fulfilments: list[Fulfilment] = Field(default_factory=list)


class Agreement(Versioned):
    title: str
    parties: list[str]
    proposed_by: str
    signed_by: list[str]
    area_code: str
    status: AgreementStatus = AgreementStatus.PROPOSED
    starts_on: date
    ends_on: date
    commitments: list[Commitment]
    created_at: datetime
    signed_at: datetime | None = None
    ended_at: datetime | None = None

    def require(self, *statuses: AgreementStatus) -> None:
        if self.status not in statuses:
            raise Conflict(f"the agreement is {self.status.value}", status=self.status.value)

    def commitment(self, commitment_id: str) -> Commitment | None:
        return next((c for c in self.commitments if c.commitment_id == commitment_id), None)


class Booked(BaseModel):
    """A booking the resources service made for a venue commitment, as its events told it."""

    booking_id: str
    commitment_id: str
    starts_at: datetime
    ends_at: datetime
    status: str  # the booking's: confirmed, cancelled …


class Occurrence(BaseModel):
    """One time a commitment falls due: a venue's booked slot (`starts_at`), or a period
    (`from_day` to `to_day`) in which it is to be kept once."""

    from_day: date
    to_day: date
    starts_at: datetime | None = None
    state: State
    booking_id: str | None = None
    booking_status: str | None = None


def occurrences(
    commitment: Commitment, starts_on: date, ends_on: date, booked: Sequence[Booked], now: datetime
) -> list[Occurrence]:
    """The commitment's occurrences over the term, each with its state as of `now`: a venue's is
    done once its booked time has passed, missed when that time passed unbooked or cancelled;
    any other is done when kept (recorded) within its period, missed when the period ended
    without it."""
    today = now.astimezone(CST).date()
    by_start = {b.starts_at: b for b in booked}  # equal instants are equal keys, whatever their zone
    found = []
    for first, last in periods(commitment, starts_on, ends_on):
        if commitment.venue_id is None or commitment.starts is None or commitment.ends is None:
            kept = any(first <= f.on <= last for f in commitment.fulfilments)
            found.append(Occurrence(from_day=first, to_day=last, state=_state(kept, last < today, first <= today)))
            continue
        start, end = datetime.combine(first, commitment.starts, CST), datetime.combine(first, commitment.ends, CST)
        booking = by_start.get(start)
        held = booking is not None and booking.status == "confirmed"
        found.append(
            Occurrence(
                from_day=first,
                to_day=last,
                starts_at=start,
                state=_state(held and end <= now, end <= now, first <= today),
                booking_id=booking.booking_id if booking else None,
                booking_status=booking.status if booking else None,
            )
        )
    return found


def _state(done: bool, over: bool, begun: bool) -> State:
    return "done" if done else "missed" if over else "due" if begun else "upcoming"
