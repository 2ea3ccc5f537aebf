"""The events the needs service reacts to, and what it does with them."""

from __future__ import annotations

from contract.events.matching import MatchAccepted, MatchFailed
from contract.events.needs import ClaimCompleted, WishConfirmed
from contract.events.resources import BookingCancelled, BookingConfirmed, ServiceRequestCompleted
from needs.evaluations.service import Evaluations
from needs.needs.service import Needs
from runtime import known_organizations
from runtime.handlers import Handlers
from runtime.known_organizations import KnownOrganizations


def handlers(*, organizations: KnownOrganizations, needs: Needs, evaluations: Evaluations) -> Handlers:
    return (
        known_organizations.handlers(organizations)
        .on(MatchAccepted, needs.on_match_accepted)
        .on(MatchFailed, needs.on_match_failed)
        # help done, here and in the resources service: a rating waits for its receiver (its id is
        # the completed thing's, so the same event told twice makes nothing more)
        .batched((ClaimCompleted,), evaluations.on_claims_completed)
        .on(WishConfirmed, evaluations.on_wish_confirmed, idempotent=True)
        .on(ServiceRequestCompleted, evaluations.on_request_completed, idempotent=True)
        .batched((BookingConfirmed,), evaluations.on_bookings_confirmed)
        .on(BookingCancelled, evaluations.on_booking_cancelled, idempotent=True)
    )
