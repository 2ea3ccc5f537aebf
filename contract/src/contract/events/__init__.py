"""The event contract: every event any service publishes, one module per producing service
(`organizations`, `needs`, `resources`, `matching`), all of them named here, with the topic each
goes to and the parser every consumer reads them with."""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import Field, TypeAdapter

from contract.events.base import Data, Envelope, construct, data_of, new_event_id
from contract.events.matching import (
    MatchAccepted,
    MatchAcceptedData,
    MatchConfirmed,
    MatchDecisionData,
    MatchDeclined,
    MatchExpired,
    MatchFailed,
    MatchProposed,
    MatchProposedData,
    Reason,
)
from contract.events.needs import (
    ActivityCancelled,
    ActivityData,
    ActivityJoined,
    ActivityPosted,
    ActivityWithdrawn,
    ClaimCompleted,
    ClaimData,
    ClaimMade,
    ClaimRefused,
    ClaimRefusedData,
    ClaimReleased,
    ClaimReleasedData,
    NeedCancelled,
    NeedChangeData,
    NeedExpired,
    NeedFulfilled,
    NeedPosted,
    NeedPostedData,
    NeedUpdated,
    ReleaseReason,
    WishCancelled,
    WishClaimed,
    WishCompleted,
    WishConfirmed,
    WishData,
    WishPosted,
    WishReleased,
)
from contract.events.organizations import (
    MemberJoined,
    MemberJoinedData,
    MemberLeft,
    MemberLeftData,
    OrganizationRegistered,
    OrganizationRegisteredData,
    OrganizationSuspended,
    OrganizationSuspendedData,
    OrganizationUpdated,
    OrganizationUpdatedData,
)
from contract.events.resources import (
    BookingCancelled,
    BookingConfirmed,
    BookingData,
    BookingRefused,
    BookingRefusedData,
    BookingRequested,
    ResourceData,
    ResourcePublished,
    ResourceUpdated,
    ResourceWithdrawn,
    ServiceRequestAccepted,
    ServiceRequestCancelled,
    ServiceRequestData,
    ServiceRequestDeclined,
    ServiceRequestMade,
    ServiceRequestRefused,
)

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


def parse_event(raw: bytes | str) -> Event:
    """Parses one message value; raises pydantic's ValidationError for anything not in the contract."""
    return EVENT_ADAPTER.validate_json(raw)


__all__ = [
    "EVENT_ADAPTER",
    "EVENT_TYPES",
    "MATCHING_TOPIC",
    "NEEDS_TOPIC",
    "ORGANIZATIONS_TOPIC",
    "RESOURCES_TOPIC",
    "ActivityCancelled",
    "ActivityData",
    "ActivityJoined",
    "ActivityPosted",
    "ActivityWithdrawn",
    "BookingCancelled",
    "BookingConfirmed",
    "BookingData",
    "BookingRefused",
    "BookingRefusedData",
    "BookingRequested",
    "ClaimCompleted",
    "ClaimData",
    "ClaimMade",
    "ClaimRefused",
    "ClaimRefusedData",
    "ClaimReleased",
    "ClaimReleasedData",
    "Data",
    "Envelope",
    "Event",
    "MatchAccepted",
    "MatchAcceptedData",
    "MatchConfirmed",
    "MatchDecisionData",
    "MatchDeclined",
    "MatchExpired",
    "MatchFailed",
    "MatchProposed",
    "MatchProposedData",
    "MemberJoined",
    "MemberJoinedData",
    "MemberLeft",
    "MemberLeftData",
    "NeedCancelled",
    "NeedChangeData",
    "NeedExpired",
    "NeedFulfilled",
    "NeedPosted",
    "NeedPostedData",
    "NeedUpdated",
    "OrganizationRegistered",
    "OrganizationRegisteredData",
    "OrganizationSuspended",
    "OrganizationSuspendedData",
    "OrganizationUpdated",
    "OrganizationUpdatedData",
    "Reason",
    "ReleaseReason",
    "ResourceData",
    "ResourcePublished",
    "ResourceUpdated",
    "ResourceWithdrawn",
    "ServiceRequestAccepted",
    "ServiceRequestCancelled",
    "ServiceRequestData",
    "ServiceRequestDeclined",
    "ServiceRequestMade",
    "ServiceRequestRefused",
    "WishCancelled",
    "WishClaimed",
    "WishCompleted",
    "WishConfirmed",
    "WishData",
    "WishPosted",
    "WishReleased",
    "construct",
    "data_of",
    "new_event_id",
    "parse_event",
    "topic_of",
]
