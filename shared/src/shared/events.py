"""The event contract: every event any service publishes, in one place.

Each event is a CloudEvents 1.0 envelope (structured mode: the whole envelope is the Kafka
message's JSON value) whose `data` is a pydantic model. `type` is the discriminator;
`subject` is the aggregate's id and the Kafka key, so one aggregate's events keep their order.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from typing import Annotated, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from shared.logs import correlation_id
from shared.taxonomy import Category


def _now() -> datetime:
    return datetime.now(UTC)


# Event ids: 128 random bits from a generator seeded by the OS (an OS call per id costs more
# than making the event itself), seeded again in a forked child so no two processes share it.
_ids = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _ids.seed(os.urandom(32)))


def new_event_id() -> str:
    return f"{_ids.getrandbits(128):032x}"


class Envelope(BaseModel):
    """The CloudEvents attributes every message carries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=new_event_id)
    source: str
    type: str
    time: datetime = Field(default_factory=_now)
    subject: str
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str | None = Field(default_factory=lambda: correlation_id.get())


class Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- organizations.events ---------------------------------------------------------------


class OrganizationRegisteredData(Data):
    organization_id: str
    name: str
    kind: str
    area_code: str


class OrganizationRegistered(Envelope):
    """Emitted when an organisation is first registered on the platform."""

    type: Literal["organization.registered"] = "organization.registered"
    data: OrganizationRegisteredData


class OrganizationUpdatedData(Data):
    organization_id: str
    name: str
    kind: str
    area_code: str
    status: str


class OrganizationUpdated(Envelope):
    """Emitted when an organisation's name, kind, place or status changes (a re-import too)."""

    type: Literal["organization.updated"] = "organization.updated"
    data: OrganizationUpdatedData


class OrganizationSuspendedData(Data):
    organization_id: str
    reason: str


class OrganizationSuspended(Envelope):
    """Emitted when an organisation is suspended: it may no longer post, share or claim."""

    type: Literal["organization.suspended"] = "organization.suspended"
    data: OrganizationSuspendedData


class MemberJoinedData(Data):
    member_id: str
    organization_id: str
    roles: list[str]


class MemberJoined(Envelope):
    """Emitted when a person becomes a member of an organisation (one event per organisation)."""

    type: Literal["member.joined"] = "member.joined"
    data: MemberJoinedData


class MemberLeftData(Data):
    member_id: str
    organization_id: str


class MemberLeft(Envelope):
    """Emitted when a person stops being a member of an organisation."""

    type: Literal["member.left"] = "member.left"
    data: MemberLeftData


# --- needs.events -----------------------------------------------------------------------


class NeedPostedData(Data):
    need_id: str
    organization_id: str
    title: str
    category: Category
    area_code: str
    quantity: int
    urgency: str = "normal"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    deadline: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    visibility: str = "public"


class NeedPosted(Envelope):
    """Emitted when an organisation's need opens for claims."""

    type: Literal["need.posted"] = "need.posted"
    data: NeedPostedData


class NeedChangeData(Data):
    """A need's state after a change: what a consumer keeps of it."""

    need_id: str
    organization_id: str
    status: str
    quantity: int
    claimed: int  # units held by live claims
    version: int


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
    status: str
    claimer_organization_id: str | None = None
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
    status: str
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


# --- resources.events -------------------------------------------------------------------


class ResourceData(Data):
    """A resource's state as matching and other consumers keep it."""

    resource_id: str
    organization_id: str
    kind: str
    name: str
    category: Category
    area_code: str
    capacity: int
    status: str = "published"
    lat: float | None = None
    lon: float | None = None
    service_radius_km: float | None = None
    capacity_period: str | None = None  # a service's or lendable's: day, week or month
    bookable_by: str = "anyone"
    needs_approval: bool = False
    version: int = 1


class ResourcePublished(Envelope):
    """Emitted when an organisation shares a venue, a lendable or a service (or publishes a draft)."""

    type: Literal["resource.published"] = "resource.published"
    data: ResourceData


class ResourceUpdated(Envelope):
    """Emitted when a published resource is edited, paused or resumed."""

    type: Literal["resource.updated"] = "resource.updated"
    data: ResourceData


class ResourceWithdrawn(Envelope):
    """Emitted when a resource is withdrawn for good; its future bookings are cancelled."""

    type: Literal["resource.withdrawn"] = "resource.withdrawn"
    data: ResourceData


class BookingData(Data):
    booking_id: str
    venue_id: str
    venue_organization_id: str
    organization_id: str | None = None  # the booker: an organisation, or
    resident_id: str | None = None  # a resident
    starts_at: datetime
    ends_at: datetime
    status: str
    series_id: str | None = None
    proposal_id: str | None = None  # set when the booking comes from an accepted match
    reason: str | None = None  # why it was cancelled, declined or released


class BookingRequested(Envelope):
    """Emitted when a venue that needs approval is booked: the slot is held until its owner decides."""

    type: Literal["booking.requested"] = "booking.requested"
    data: BookingData


class BookingConfirmed(Envelope):
    """Emitted when a booking holds its slot for good: booked without approval, or approved."""

    type: Literal["booking.confirmed"] = "booking.confirmed"
    data: BookingData


class BookingCancelled(Envelope):
    """Emitted when a booking gives its slot back: cancelled, declined, not approved in time,
    released as a no-show, or its venue withdrawn (`reason` says which)."""

    type: Literal["booking.cancelled"] = "booking.cancelled"
    data: BookingData


class BookingRefusedData(Data):
    proposal_id: str
    venue_id: str
    need_id: str
    reason: str


class BookingRefused(Envelope):
    """Emitted when an accepted match cannot become a booking (slot taken, venue closed)."""

    type: Literal["booking.refused"] = "booking.refused"
    data: BookingRefusedData


class ServiceRequestData(Data):
    request_id: str
    resource_id: str
    provider_organization_id: str
    organization_id: str  # the requester
    need_id: str | None = None
    period: str  # the capacity period it takes from: 2026-12-07, 2026-W49 or 2026-12
    quantity: int
    status: str
    proposal_id: str | None = None
    reason: str | None = None


class ServiceRequestMade(Envelope):
    """Emitted when an organisation requests a service or a lendable, for a need or on its own."""

    type: Literal["service_request.made"] = "service_request.made"
    data: ServiceRequestData


class ServiceRequestAccepted(Envelope):
    """Emitted when the provider accepts a request: it takes from the period's capacity."""

    type: Literal["service_request.accepted"] = "service_request.accepted"
    data: ServiceRequestData


class ServiceRequestDeclined(Envelope):
    """Emitted when the provider declines a request."""

    type: Literal["service_request.declined"] = "service_request.declined"
    data: ServiceRequestData


class ServiceRequestCancelled(Envelope):
    """Emitted when the requester cancels a request; an accepted one gives its capacity back."""

    type: Literal["service_request.cancelled"] = "service_request.cancelled"
    data: ServiceRequestData


class ServiceRequestRefused(Envelope):
    """Emitted when an accepted match cannot become a service request (capacity gone)."""

    type: Literal["service_request.refused"] = "service_request.refused"
    data: ServiceRequestData


# --- matching.events --------------------------------------------------------------------


class Reason(Data):
    """One term of a proposal's score, shown to people as part of "why this match"."""

    name: str
    weight: float
    value: float


class MatchProposedData(Data):
    proposal_id: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    score: float
    reasons: list[Reason]
    quantity: int = 1  # the units of the need this supply would take
    expires_at: datetime | None = None


class MatchProposed(Envelope):
    """Emitted when matching proposes a supply item for a need."""

    type: Literal["match.proposed"] = "match.proposed"
    data: MatchProposedData


class MatchAcceptedData(Data):
    proposal_id: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    quantity: int = 1
    starts_at: datetime | None = None  # the need's time: what a venue is booked for
    ends_at: datetime | None = None


class MatchAccepted(Envelope):
    """Emitted when both sides accept a proposal: the needs service turns it into a claim of the
    supplier's organisation, the resources service into a booking or a service request."""

    type: Literal["match.accepted"] = "match.accepted"
    data: MatchAcceptedData


class MatchDecisionData(Data):
    proposal_id: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    reason: str | None = None


class MatchDeclined(Envelope):
    """Emitted when either side declines a proposal."""

    type: Literal["match.declined"] = "match.declined"
    data: MatchDecisionData


class MatchExpired(Envelope):
    """Emitted when a proposal was not answered by both sides in time."""

    type: Literal["match.expired"] = "match.expired"
    data: MatchDecisionData


class MatchConfirmed(Envelope):
    """Emitted when both halves of an accepted proposal are done: the claim on the need, and the
    booking or service request of the supply."""

    type: Literal["match.confirmed"] = "match.confirmed"
    data: MatchDecisionData


class MatchFailed(Envelope):
    """Emitted when one half of an accepted proposal was refused (`reason` says why): the other
    half, if made, is undone by its own service (the claim released, the booking cancelled)."""

    type: Literal["match.failed"] = "match.failed"
    data: MatchDecisionData


Event = Annotated[
    OrganizationRegistered
    | OrganizationUpdated
    | OrganizationSuspended
    | MemberJoined
    | MemberLeft
    | NeedPosted
    | NeedUpdated
    | NeedCancelled
    | NeedExpired
    | NeedFulfilled
    | ClaimMade
    | ClaimReleased
    | ClaimCompleted
    | ClaimRefused
    | WishPosted
    | WishClaimed
    | WishReleased
    | WishCompleted
    | WishConfirmed
    | WishCancelled
    | ActivityPosted
    | ActivityJoined
    | ActivityWithdrawn
    | ActivityCancelled
    | ResourcePublished
    | ResourceUpdated
    | ResourceWithdrawn
    | BookingRequested
    | BookingConfirmed
    | BookingCancelled
    | BookingRefused
    | ServiceRequestMade
    | ServiceRequestAccepted
    | ServiceRequestDeclined
    | ServiceRequestCancelled
    | ServiceRequestRefused
    | MatchProposed
    | MatchAccepted
    | MatchDeclined
    | MatchExpired
    | MatchConfirmed
    | MatchFailed,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES: dict[str, type[Envelope]] = {cls.model_fields["type"].default: cls for cls in get_args(get_args(Event)[0])}

# One topic per producing service; its dead letters go to `<topic>.dlq`.
ORGANIZATIONS_TOPIC = "organizations.events"
NEEDS_TOPIC = "needs.events"
RESOURCES_TOPIC = "resources.events"
MATCHING_TOPIC = "matching.events"


_TOPIC_OF_AGGREGATE = {
    "organization": ORGANIZATIONS_TOPIC,
    "member": ORGANIZATIONS_TOPIC,
    "need": NEEDS_TOPIC,
    "claim": NEEDS_TOPIC,
    "wish": NEEDS_TOPIC,
    "activity": NEEDS_TOPIC,
    "resource": RESOURCES_TOPIC,
    "booking": RESOURCES_TOPIC,
    "service_request": RESOURCES_TOPIC,
    "match": MATCHING_TOPIC,
}


def topic_of(event_type: str) -> str:
    """The topic an event type is published on: its producing service's."""
    return _TOPIC_OF_AGGREGATE[event_type.split(".", 1)[0]]


E = TypeVar("E", bound=Envelope)


def construct(event_type: type[E], *, source: str, subject: str, data: Data) -> E:
    """An event made of values validated already, without validating them again: for bulk
    paths (an import makes hundreds of thousands). Every field is given, so no default runs."""
    event = event_type.model_construct(
        specversion="1.0",
        id=new_event_id(),
        source=source,
        type=event_type.model_fields["type"].default,
        time=_now(),
        subject=subject,
        datacontenttype="application/json",
        correlationid=correlation_id.get(),
        data=data,  # type: ignore[call-arg]  # the subclasses have `data`
    )
    return event  # type: ignore[return-value]  # model_construct returns the class it is called on


D = TypeVar("D", bound=Data)


def data_of(data_type: type[D], source: BaseModel, **fields: object) -> D:
    """Event data made of the fields `source` (an aggregate) shares with it by name, and of
    `fields` (the aggregate's id under the event's name for it, say)."""
    shared = source.model_dump(mode="json", include=set(data_type.model_fields) - set(fields))
    return data_type.model_validate({**shared, **fields})


def parse_event(raw: bytes | str) -> Event:
    """Parses one message value; raises pydantic's ValidationError for anything not in the contract."""
    return EVENT_ADAPTER.validate_json(raw)
