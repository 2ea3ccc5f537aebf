"""The resources service's events: venues, lendables and services, bookings, service requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from contract.events.base import Data, Envelope
from contract.taxonomy import Category


class ResourceStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"


class BookingStatus(StrEnum):
    REQUESTED = "requested"  # holds the slot, waits for the venue's approval
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # not approved before it began
    NO_SHOW = "no_show"  # released by the venue: nobody came


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    COMPLETED = "completed"  # the service was given, or the lendable came back


class ResourceKind(StrEnum):
    VENUE = "venue"  # a room or hall, booked by the half hour
    LENDABLE = "lendable"  # equipment lent by the unit, `capacity` units a period
    SERVICE = "service"  # what an organisation does for others, `capacity` people a period


class BookableBy(StrEnum):
    """Who may book a venue (and be proposed it)."""

    ANYONE = "anyone"  # residents and organisations
    AREA = "area"  # residents and organisations of the venue's area subtree
    PARTNERS = "partners"  # partner organisations only: agreements' parties, the community's neighbour partners


class CapacityPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class ResourceData(Data):
    """A resource's state as matching and other consumers keep it."""

    resource_id: str
    organization_id: str
    kind: ResourceKind
    name: str
    category: Category
    area_code: str
    capacity: int
    status: ResourceStatus = ResourceStatus.PUBLISHED
    lat: float | None = None
    lon: float | None = None
    service_radius_km: float | None = None
    capacity_period: CapacityPeriod | None = None  # a service's or lendable's
    bookable_by: BookableBy = BookableBy.ANYONE
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
    status: BookingStatus
    series_id: str | None = None
    proposal_id: str | None = None  # set when the booking comes from an accepted match
    agreement_id: str | None = None  # set when it books a co-building agreement's venue commitment
    reason: str | None = None  # why it was cancelled, declined or released
    imported: bool = False  # kept elsewhere before (a venue's ledger) and imported: its booker knew of it


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
    organization_id: str | None = None  # the requester: an organisation, or
    resident_id: str | None = None  # a resident
    need_id: str | None = None
    period: str  # the capacity period it takes from: 2026-12-07, 2026-W49 or 2026-12
    quantity: int
    status: RequestStatus
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


class ServiceRequestCompleted(Envelope):
    """Emitted when the provider reports an accepted request done: the service given, or the
    lendable back. The requester may then rate it."""

    type: Literal["service_request.completed"] = "service_request.completed"
    data: ServiceRequestData


class ServiceRequestRefused(Envelope):
    """Emitted when an accepted match cannot become a service request (capacity gone)."""

    type: Literal["service_request.refused"] = "service_request.refused"
    data: ServiceRequestData
