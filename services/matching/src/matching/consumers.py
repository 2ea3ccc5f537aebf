"""The events matching reacts to: those that keep its index current (read by the index's feed
from the topics' beginning at every start), and those of the saga and of needs ending (read
once, in its group)."""

from __future__ import annotations

from contract.events import needs, resources
from matching.index.service import IndexProjection
from matching.proposals.service import Proposals
from matching.saga.service import Saga
from runtime.handlers import Handlers


def index_handlers(projection: IndexProjection) -> Handlers:
    return (
        Handlers()
        .on(needs.NeedPosted, projection.on_need_posted)
        .on(
            (needs.NeedUpdated, needs.NeedCancelled, needs.NeedExpired, needs.NeedFulfilled), projection.on_need_changed
        )
        .on((needs.ClaimCompleted, needs.ClaimReleased), projection.on_claim_ended)
        .on(needs.EvaluationGiven, projection.on_evaluation)
        .on(
            (resources.ResourcePublished, resources.ResourceUpdated, resources.ResourceWithdrawn),
            projection.on_resource,
        )
        .on((resources.BookingRequested, resources.BookingConfirmed, resources.BookingCancelled), projection.on_booking)
        .on((resources.ServiceRequestAccepted, resources.ServiceRequestCancelled), projection.on_request)
    )


# The group's handlers change a proposal only from the state that calls for it (an open one
# withdrawn, an accepted one confirmed or failed), so a redelivered event changes nothing: the
# consumer need not remember the events it handled (two database round trips each, for every
# booking of a city's import that names no proposal).


def proposal_handlers(proposals: Proposals) -> Handlers:
    return Handlers().on(
        (needs.NeedCancelled, needs.NeedExpired, needs.NeedFulfilled), proposals.on_need_ended, idempotent=True
    )


def saga_handlers(saga: Saga) -> Handlers:
    made = (needs.ClaimMade, resources.BookingConfirmed, resources.ServiceRequestAccepted)
    refused = (needs.ClaimRefused, resources.BookingRefused, resources.ServiceRequestRefused)
    return Handlers().on(made, saga.on_half_made, idempotent=True).on(refused, saga.on_half_refused, idempotent=True)
