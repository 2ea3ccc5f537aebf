"""The events matching reacts to: those that keep its index current (read by the index's feed
from the topics' beginning at every start), and those of the saga (read once, in its group)."""

from __future__ import annotations

from contract.events import (
    BookingCancelled,
    BookingConfirmed,
    BookingRefused,
    BookingRequested,
    ClaimCompleted,
    ClaimMade,
    ClaimRefused,
    ClaimReleased,
    NeedCancelled,
    NeedExpired,
    NeedFulfilled,
    NeedPosted,
    NeedUpdated,
    ResourcePublished,
    ResourceUpdated,
    ResourceWithdrawn,
    ServiceRequestAccepted,
    ServiceRequestCancelled,
    ServiceRequestRefused,
)
from matching.service import Matching
from runtime.handlers import Handlers


def index_handlers(matching: Matching) -> Handlers:
    return (
        Handlers()
        .on(NeedPosted, matching.on_need_posted)
        .on((NeedUpdated, NeedCancelled, NeedExpired, NeedFulfilled), matching.on_need_changed)
        .on((ClaimCompleted, ClaimReleased), matching.on_claim_ended)
        .on((ResourcePublished, ResourceUpdated, ResourceWithdrawn), matching.on_resource)
        .on((BookingRequested, BookingConfirmed, BookingCancelled), matching.on_booking)
        .on((ServiceRequestAccepted, ServiceRequestCancelled), matching.on_request)
    )


def saga_handlers(matching: Matching) -> Handlers:
    return (
        Handlers()
        .on((ClaimMade, BookingConfirmed, ServiceRequestAccepted), matching.on_half_made)
        .on((ClaimRefused, BookingRefused, ServiceRequestRefused), matching.on_half_refused)
    )
