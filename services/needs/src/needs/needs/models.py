"""A need an organisation posts and the claims that answer it. The lifecycle rules live here;
who may do what lives in `service`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from contract.aggregates import Versioned
from contract.errors import Conflict, NotFound
from contract.events.needs import NeedStatus, Recurrence, Urgency, Visibility
from contract.taxonomy import Category
from needs.common import InvalidTransition, now

S = NeedStatus
TRANSITIONS: dict[NeedStatus, frozenset[NeedStatus]] = {
    S.DRAFT: frozenset({S.OPEN, S.CANCELLED}),
    S.OPEN: frozenset({S.PARTLY_CLAIMED, S.FULLY_CLAIMED, S.CANCELLED, S.EXPIRED}),
    S.PARTLY_CLAIMED: frozenset({S.OPEN, S.FULLY_CLAIMED, S.IN_PROGRESS, S.CANCELLED}),
    S.FULLY_CLAIMED: frozenset({S.OPEN, S.PARTLY_CLAIMED, S.IN_PROGRESS, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.FULFILLED, S.CANCELLED}),
    S.FULFILLED: frozenset({S.CONFIRMED}),
    S.CONFIRMED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}
CLAIMABLE = frozenset({S.OPEN, S.PARTLY_CLAIMED})
LIVE = frozenset({S.OPEN, S.PARTLY_CLAIMED, S.FULLY_CLAIMED, S.IN_PROGRESS})


class ClaimStatus(StrEnum):
    LIVE = "live"  # promised, not started
    STARTED = "started"
    COMPLETED = "completed"
    RELEASED = "released"
    EXPIRED = "expired"  # not started by its start time


ACTIVE = frozenset({ClaimStatus.LIVE, ClaimStatus.STARTED})  # claims that may still end either way
HOLDING = ACTIVE | {ClaimStatus.COMPLETED}  # claims that take up quantity


class Claim(BaseModel):
    id: str
    organization_id: str
    member_id: str | None = None
    quantity: int
    status: ClaimStatus = ClaimStatus.LIVE
    proposal_id: str | None = None
    start_by: datetime | None = None
    made_at: datetime = Field(default_factory=now)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    served: int | None = None  # person-times served, as the poster reports on completion
    released_at: datetime | None = None


class Need(Versioned):
    organization_id: str
    title: str
    description: str = ""
    category: Category
    area_code: str
    lat: float | None = None
    lon: float | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    recurrence: Recurrence | None = None
    deadline: datetime | None = None  # claims are taken until then; an open need expires at it
    quantity: int
    unit: Literal["people", "units"] = "people"
    urgency: Urgency = Urgency.NORMAL
    visibility: Visibility = Visibility.PUBLIC
    visible_to: str | None = None  # the area node (AREA) or community (PARTNERS) it is shown to
    status: NeedStatus = NeedStatus.OPEN
    claims: list[Claim] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=now)
    posted_at: datetime | None = None
    edited_at: datetime | None = None  # its last edit while someone held a claim on it
    fulfilled_at: datetime | None = None
    posted_for_by: str | None = (
        None  # the area administrator who posted it for the organisation (a joint meeting's decision)
    )

    @property
    def claimed(self) -> int:
        """Units taken up by live, started and completed claims."""
        return sum(c.quantity for c in self.claims if c.status in HOLDING)

    @property
    def remaining(self) -> int:
        return self.quantity - self.claimed

    def move(self, to: NeedStatus) -> None:
        """Changes the status if the lifecycle allows it; InvalidTransition (409) says what would."""
        if to not in TRANSITIONS[self.status]:
            allowed = sorted(TRANSITIONS[self.status])
            raise InvalidTransition(
                f"a need that is {self.status.value} cannot become {to.value}",
                status=self.status.value,
                allowed=[s.value for s in allowed],
            )
        self.status = to
        if to is S.OPEN and self.posted_at is None:
            self.posted_at = now()
        if to is S.FULFILLED:
            self.fulfilled_at = now()

    def claim(self, claim: Claim, at: datetime) -> None:
        if self.status not in CLAIMABLE:
            raise InvalidTransition(
                f"a need that is {self.status.value} takes no claims",
                status=self.status.value,
                allowed=[s.value for s in sorted(TRANSITIONS[self.status])],
            )
        if self.deadline is not None and at > self.deadline:
            raise Conflict("the need's deadline has passed", deadline=self.deadline.isoformat())
        if claim.quantity > self.remaining:
            raise Conflict(f"only {self.remaining} of {self.quantity} are left to claim", remaining=self.remaining)
        self.claims.append(claim)
        self.settle()

    def find_claim(self, claim_id: str) -> Claim:
        found = next((c for c in self.claims if c.id == claim_id), None)
        if found is None:
            raise NotFound(f"need {self.id!r} has no claim {claim_id!r}")
        return found

    def end_claim(self, claim: Claim, to: ClaimStatus, served: int | None = None) -> None:
        """Releases or expires a live or started claim (giving its quantity back), or completes it
        with the person-times it served (its quantity unless told)."""
        if claim.status not in ACTIVE:
            raise Conflict(f"the claim is {claim.status.value} already", status=claim.status.value)
        claim.status = to
        if to is ClaimStatus.COMPLETED:
            claim.completed_at = now()
            claim.served = claim.quantity if served is None else served
        else:
            claim.released_at = now()
            self.settle()

    def start_claim(self, claim: Claim) -> None:
        if claim.status is not ClaimStatus.LIVE:
            raise Conflict(f"only a live claim can start; this one is {claim.status.value}", status=claim.status.value)
        claim.status = ClaimStatus.STARTED
        claim.started_at = now()

    def settle(self) -> None:
        """Open, partly or fully claimed, as the live claims say (nothing else moves on its own)."""
        if self.status not in (S.OPEN, S.PARTLY_CLAIMED, S.FULLY_CLAIMED):
            return
        target = S.OPEN if self.claimed == 0 else S.FULLY_CLAIMED if self.remaining == 0 else S.PARTLY_CLAIMED
        if target is not self.status:
            self.move(target)
