"""The events matching reacts to: those that keep its index current (read by the index's feed
from the topics' beginning at every start), and those of the saga (read once, in its group)."""

from __future__ import annotations

from contract.events import needs, resources
from matching.service import Matching
from runtime.handlers import Handlers


def index_handlers(matching: Matching) -> Handlers:
    return (
        Handlers()
        .on(needs.NeedPosted, matching.on_need_posted)
        .on((needs.NeedUpdated, needs.NeedCancelled, needs.NeedExpired, needs.NeedFulfilled), matching.on_need_changed)
        .on((needs.ClaimCompleted, needs.ClaimReleased), matching.on_claim_ended)
        .on((resources.ResourcePublished, resources.ResourceUpdated, resources.ResourceWithdrawn), matching.on_resource)
        .on((resources.BookingRequested, resources.BookingConfirmed, resources.BookingCancelled), matching.on_booking)
        .on((resources.ServiceRequestAccepted, resources.ServiceRequestCancelled), matching.on_request)
    )


def saga_handlers(matching: Matching) -> Handlers:
    return (
        Handlers()
        .on((needs.ClaimMade, resources.BookingConfirmed, resources.ServiceRequestAccepted), matching.on_half_made)
        .on((needs.ClaimRefused, resources.BookingRefused, resources.ServiceRequestRefused), matching.on_half_refused)
    )
