"""The demand side: needs that organisations post, the claims that answer them, and residents'
micro-wishes. The lifecycle rules live here; who may do what lives in `service`."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from contract.aggregates import Versioned
from contract.errors import Conflict, NotFound
from contract.taxonomy import Category


def now() -> datetime:
    return datetime.now(UTC)


class NeedStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PARTLY_CLAIMED = "partly_claimed"
    FULLY_CLAIMED = "fully_claimed"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


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


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Visibility(StrEnum):
    PUBLIC = "public"  # anyone
    AREA = "area"  # people and organisations of one area node's subtree
    PARTNERS = "partners"  # the organisations of one community (its neighbour partners)


class Recurrence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


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
    fulfilled_at: datetime | None = None

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

    def end_claim(self, claim: Claim, to: ClaimStatus) -> None:
        """Releases or expires a live or started claim (giving its quantity back), or completes it."""
        if claim.status not in ACTIVE:
            raise Conflict(f"the claim is {claim.status.value} already", status=claim.status.value)
        claim.status = to
        if to is ClaimStatus.COMPLETED:
            claim.completed_at = now()
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


class WishStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"  # proof uploaded, waiting for confirmation
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class WishClaim(BaseModel):
    organization_id: str
    member_id: str | None = None
    claimed_at: datetime = Field(default_factory=now)


class Proof(BaseModel):
    sha256: str
    content_type: str
    size: int
    uploaded_at: datetime = Field(default_factory=now)


class Wish(Versioned):
    """A resident's micro-wish (微心愿): one live claim at a time, proof of completion, then a
    thank-you letter to the claimer's own Party organisation."""

    resident_id: str
    resident_name: str
    area_code: str
    title: str
    description: str = ""
    category: Category
    posted_by: str  # "resident" or the area administrator's node that posted on their behalf
    status: WishStatus = WishStatus.OPEN
    claim: WishClaim | None = None
    claimer_organization_id: str | None = None  # the live claim's, then the fulfiller's
    proof: Proof | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
    created_at: datetime = Field(default_factory=now)

    def require(self, *statuses: WishStatus) -> None:
        if self.status not in statuses:
            raise InvalidTransition(
                f"the wish is {self.status.value}",
                status=self.status.value,
                needed=[s.value for s in statuses],
            )


class ActivityStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class SignUp(BaseModel):
    resident_id: str
    name: str
    people: int = 1  # the resident and those they bring
    signed_at: datetime = Field(default_factory=now)
    withdrawn_at: datetime | None = None


class Activity(Versioned):
    """An activity an organisation holds (a lecture, a volunteer day, a free clinic) with a
    number of places residents sign up for, until it starts or its sign-up deadline."""

    organization_id: str
    title: str
    description: str = ""
    category: Category
    area_code: str
    place: str = ""
    venue_id: str | None = None
    starts_at: datetime
    ends_at: datetime
    sign_up_until: datetime
    places: int
    status: ActivityStatus = ActivityStatus.OPEN
    signups: list[SignUp] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=now)

    @property
    def taken(self) -> int:
        return sum(s.people for s in self.signups if s.withdrawn_at is None)

    def signup_of(self, resident_id: str) -> SignUp | None:
        return next((s for s in self.signups if s.resident_id == resident_id and s.withdrawn_at is None), None)

    def sign_up(self, signup: SignUp, at: datetime) -> None:
        """Takes the places, or Conflict saying why not: called off, closed, full, signed up already."""
        if self.status is ActivityStatus.CANCELLED:
            raise Conflict("the activity has been called off", status=self.status.value)
        if at >= self.sign_up_until:
            raise Conflict("sign-up has closed", sign_up_until=self.sign_up_until.isoformat())
        if self.signup_of(signup.resident_id) is not None:
            raise Conflict("signed up already", resident_id=signup.resident_id)
        left = self.places - self.taken
        if signup.people > left:
            raise Conflict(f"only {left} of {self.places} places are left", remaining=left)
        self.signups.append(signup)

    def withdraw(self, resident_id: str, at: datetime) -> None:
        signup = self.signup_of(resident_id)
        if signup is None:
            raise NotFound("no sign-up of this resident for the activity")
        if at >= self.starts_at:
            raise Conflict("the activity has begun", starts_at=self.starts_at.isoformat())
        signup.withdrawn_at = at
