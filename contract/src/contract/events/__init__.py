"""The event contract: every event any service publishes, one module per producing service
(`contract.events.needs` holds `NeedPosted`, say), brought together here in the union every
consumer parses messages with (`parse_event`), with the topic each event goes to."""

from __future__ import annotations

from typing import Annotated, get_args

from pydantic import Field, TypeAdapter

from contract.events import cobuilding, matching, needs, notifications, organizations, points, resources
from contract.events.base import Data, Envelope, construct, constructed_of, data_of, new_event_id

Event = Annotated[
    organizations.OrganizationRegistered
    | organizations.OrganizationUpdated
    | organizations.OrganizationSuspended
    | organizations.MemberJoined
    | organizations.MemberLeft
    | needs.NeedPosted
    | needs.NeedUpdated
    | needs.NeedCancelled
    | needs.NeedExpired
    | needs.NeedFulfilled
    | needs.ClaimMade
    | needs.ClaimReleased
    | needs.ClaimCompleted
    | needs.ClaimRefused
    | needs.WishPosted
    | needs.WishClaimed
    | needs.WishReleased
    | needs.WishCompleted
    | needs.WishConfirmed
    | needs.WishCancelled
    | needs.ActivityPosted
    | needs.ActivityJoined
    | needs.ActivityWithdrawn
    | needs.ActivityCancelled
    | needs.EvaluationGiven
    | resources.ResourcePublished
    | resources.ResourceUpdated
    | resources.ResourceWithdrawn
    | resources.BookingRequested
    | resources.BookingConfirmed
    | resources.BookingCancelled
    | resources.BookingRefused
    | resources.ServiceRequestMade
    | resources.ServiceRequestAccepted
    | resources.ServiceRequestDeclined
    | resources.ServiceRequestCancelled
    | resources.ServiceRequestCompleted
    | resources.ServiceRequestRefused
    | matching.MatchProposed
    | matching.MatchAccepted
    | matching.MatchDeclined
    | matching.MatchExpired
    | matching.MatchWithdrawn
    | matching.MatchConfirmed
    | matching.MatchFailed
    | points.PointsPosted
    | points.HoursPosted
    | points.RegistrationAccepted
    | points.CheckinRecorded
    | points.RedemptionOrdered
    | points.RedemptionPickedUp
    | points.RedemptionExpired
    | points.RedemptionCancelled
    | notifications.MessageStored
    | cobuilding.ConcernSubmitted
    | cobuilding.ConcernEscalated
    | cobuilding.ConcernReplied
    | cobuilding.ConcernRated
    | cobuilding.AgreementProposed
    | cobuilding.AgreementSigned
    | cobuilding.AgreementEnded
    | cobuilding.ProjectPublished
    | cobuilding.ProjectProgressed
    | cobuilding.ProjectObjected
    | cobuilding.PurchasePublished
    | cobuilding.PurchaseAwarded
    | cobuilding.PartnersListed,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES: dict[str, type[Envelope]] = {cls.model_fields["type"].default: cls for cls in get_args(get_args(Event)[0])}

# One topic per producing service, the registry's members apart: the needs and points services
# keep memberships and the gateway tells partners of them; the resources, matching and co-building
# services would read every member's event to pass it over (a city's 237,649 joins; a province's
# some 4.8 million; those published before stay on the registry's topic, read by the services that
# follow both). Dead letters go to `<topic>.dlq`.
ORGANIZATIONS_TOPIC = "organizations.events"
MEMBERS_TOPIC = "organizations.members"
NEEDS_TOPIC = "needs.events"
RESOURCES_TOPIC = "resources.events"
MATCHING_TOPIC = "matching.events"
POINTS_TOPIC = "points.events"
NOTIFICATIONS_TOPIC = "notifications.events"
COBUILDING_TOPIC = "cobuilding.events"


_TOPIC_OF_AGGREGATE = {
    "organization": ORGANIZATIONS_TOPIC,
    "member": MEMBERS_TOPIC,
    "need": NEEDS_TOPIC,
    "claim": NEEDS_TOPIC,
    "wish": NEEDS_TOPIC,
    "activity": NEEDS_TOPIC,
    "evaluation": NEEDS_TOPIC,
    "resource": RESOURCES_TOPIC,
    "booking": RESOURCES_TOPIC,
    "service_request": RESOURCES_TOPIC,
    "match": MATCHING_TOPIC,
    "points": POINTS_TOPIC,
    "hours": POINTS_TOPIC,
    "registration": POINTS_TOPIC,
    "checkin": POINTS_TOPIC,
    "redemption": POINTS_TOPIC,
    "message": NOTIFICATIONS_TOPIC,
    "concern": COBUILDING_TOPIC,
    "agreement": COBUILDING_TOPIC,
    "project": COBUILDING_TOPIC,
    "purchase": COBUILDING_TOPIC,
    "partners": COBUILDING_TOPIC,
}


def topic_of(event_type: str) -> str:
    """The topic an event type is published on: its producing service's."""
    return _TOPIC_OF_AGGREGATE[event_type.split(".", 1)[0]]


def parse_event(raw: bytes | str) -> Event:
    """Parses one message value; raises pydantic's ValidationError for anything not in the contract."""
    return EVENT_ADAPTER.validate_json(raw)


__all__ = [
    "COBUILDING_TOPIC",
    "EVENT_ADAPTER",
    "EVENT_TYPES",
    "MATCHING_TOPIC",
    "MEMBERS_TOPIC",
    "NEEDS_TOPIC",
    "NOTIFICATIONS_TOPIC",
    "ORGANIZATIONS_TOPIC",
    "POINTS_TOPIC",
    "RESOURCES_TOPIC",
    "Data",
    "Envelope",
    "Event",
    "construct",
    "constructed_of",
    "data_of",
    "new_event_id",
    "parse_event",
    "topic_of",
]
