"""The needs service's events: needs, their claims, micro-wishes, activities and the ratings of help received."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from contract.events.base import Data, Envelope
from contract.taxonomy import Category


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


class WishStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"  # proof uploaded, waiting for confirmation
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class ActivityStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Visibility(StrEnum):
    """Who is shown a need (and may claim it)."""

    PUBLIC = "public"  # anyone
    AREA = "area"  # people and organisations of one area node's subtree
    PARTNERS = "partners"  # partner organisations: agreements' parties, a community's neighbour partner list


class Recurrence(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class NeedPostedData(Data):
    need_id: str
    organization_id: str
    title: str
    category: Category
    area_code: str
    quantity: int
    urgency: Urgency = Urgency.NORMAL
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    deadline: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    visibility: Visibility = Visibility.PUBLIC
    visible_to: str | None = None  # the area it is shown to, unless public (`contract.eligibility`)


class NeedPosted(Envelope):
    """Emitted when an organisation's need opens for claims."""

    type: Literal["need.posted"] = "need.posted"
    data: NeedPostedData


class NeedChangeData(Data):
    """A need's state after a change: what a consumer keeps of it."""

    need_id: str
    organization_id: str
    status: NeedStatus
    quantity: int
    claimed: int  # units held by live claims
    version: int
    area_code: str | None = None  # where it is (whose community is told when it expires)


class NeedUpdated(Envelope):
    """Emitted when a need is edited or moves on in its lifecycle (claimed, in progress, confirmed)."""

    type: Literal["need.updated"] = "need.updated"
    data: NeedChangeData


class NeedCancelled(Envelope):
    """Emitted when the posting organisation cancels a need; its live claims are released."""

    type: Literal["need.cancelled"] = "need.cancelled"
    data: NeedChangeData


class NeedExpired(Envelope):
    """Emitted when a need's deadline passes while it is still open."""

    type: Literal["need.expired"] = "need.expired"
    data: NeedChangeData


class NeedFulfilled(Envelope):
    """Emitted when the posting organisation reports a need done."""

    type: Literal["need.fulfilled"] = "need.fulfilled"
    data: NeedChangeData


class ClaimData(Data):
    claim_id: str
    need_id: str
    need_organization_id: str
    organization_id: str  # the claimer's organisation (a member claims through theirs)
    member_id: str | None = None
    quantity: int
    proposal_id: str | None = None  # set when the claim comes from an accepted match
    served: int | None = None  # person-times actually served, as the poster reports on completion
    # what the claim is for, from its need: what the help earns and where it counts, with no
    # need to look up (None in events published before they carried it)
    title: str | None = None
    category: Category | None = None
    area_code: str | None = None
    starts_at: datetime | None = None  # when the need's work starts, when it says (the claimer is reminded)
    ends_at: datetime | None = None
    imported: bool = False  # of a need's history, imported: never made on the platform (no `claim.made` before it)


class ClaimMade(Envelope):
    """Emitted when an organisation or a member claims all or part of a need."""

    type: Literal["claim.made"] = "claim.made"
    data: ClaimData


ReleaseReason = Literal["released", "expired", "need_cancelled", "need_fulfilled", "match_failed"]


class ClaimReleasedData(ClaimData):
    reason: ReleaseReason


class ClaimReleased(Envelope):
    """Emitted when a claim gives its quantity back: released by the claimer, not started in
    time, or its need cancelled or fulfilled without it."""

    type: Literal["claim.released"] = "claim.released"
    data: ClaimReleasedData


class ClaimCompleted(Envelope):
    """Emitted when a claim's work is done: it now counts in the statistics."""

    type: Literal["claim.completed"] = "claim.completed"
    data: ClaimData


class ClaimRefusedData(Data):
    proposal_id: str
    need_id: str
    reason: str


class ClaimRefused(Envelope):
    """Emitted when an accepted match cannot become a claim (need closed, quantity gone)."""

    type: Literal["claim.refused"] = "claim.refused"
    data: ClaimRefusedData


class WishData(Data):
    wish_id: str
    area_code: str
    status: WishStatus
    claimer_organization_id: str | None = None
    resident_id: str | None = None  # whose wish it is (told when it is claimed and done)
    title: str | None = None  # what is wished (a joint meeting's agenda names it)
    version: int


class WishPosted(Envelope):
    """Emitted when a resident's micro-wish is posted (by them or a community worker)."""

    type: Literal["wish.posted"] = "wish.posted"
    data: WishData


class WishClaimed(Envelope):
    """Emitted when an organisation takes on a micro-wish."""

    type: Literal["wish.claimed"] = "wish.claimed"
    data: WishData


class WishReleased(Envelope):
    """Emitted when the claimer gives a micro-wish back; it is open again."""

    type: Literal["wish.released"] = "wish.released"
    data: WishData


class WishCompleted(Envelope):
    """Emitted when the claimer uploads proof that a micro-wish was fulfilled."""

    type: Literal["wish.completed"] = "wish.completed"
    data: WishData


class WishConfirmed(Envelope):
    """Emitted when the resident or the community confirms a micro-wish: a thank-you letter follows."""

    type: Literal["wish.confirmed"] = "wish.confirmed"
    data: WishData


class WishCancelled(Envelope):
    """Emitted when a micro-wish is withdrawn before it was fulfilled."""

    type: Literal["wish.cancelled"] = "wish.cancelled"
    data: WishData


class ActivityData(Data):
    activity_id: str
    organization_id: str
    area_code: str
    starts_at: datetime
    ends_at: datetime | None = None  # optional: events stored before it was added lack it
    title: str | None = None
    status: ActivityStatus
    places: int
    taken: int
    resident_id: str | None = Field(default=None, description="who signed up or withdrew")
    version: int


class ActivityPosted(Envelope):
    """Emitted when an organisation posts an activity residents may sign up for."""

    type: Literal["activity.posted"] = "activity.posted"
    data: ActivityData


class ActivityJoined(Envelope):
    """Emitted when a resident takes one of an activity's places."""

    type: Literal["activity.joined"] = "activity.joined"
    data: ActivityData


class ActivityWithdrawn(Envelope):
    """Emitted when a resident gives their place at an activity back."""

    type: Literal["activity.withdrawn"] = "activity.withdrawn"
    data: ActivityData


class ActivityCancelled(Envelope):
    """Emitted when the organisation calls its activity off; every sign-up ends with it."""

    type: Literal["activity.cancelled"] = "activity.cancelled"
    data: ActivityData


class RatedKind(StrEnum):
    """What the receiving side rates once it is done."""

    CLAIM = "claim"  # the posting organisation rates the claimer
    WISH = "wish"  # the resident (or who posted for them) rates the organisation that fulfilled it
    SERVICE_REQUEST = "service_request"  # the requester rates the provider
    BOOKING = "booking"  # the booker rates the venue's organisation, once the booking has ended


class EvaluationData(Data):
    """A rating (评价) of help received: stars from the side that received it, for the
    organisation that gave it."""

    evaluation_id: str
    subject: RatedKind
    subject_id: str
    organization_id: str  # the organisation rated
    area_code: str
    stars: int = Field(ge=1, le=5)


class EvaluationGiven(Envelope):
    """Emitted when the receiver of a completed claim, wish, service request or booking rates it (once)."""

    type: Literal["evaluation.given"] = "evaluation.given"
    data: EvaluationData
