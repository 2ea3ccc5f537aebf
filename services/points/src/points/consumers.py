"""The events the points service earns from. Each handler is idempotent: a movement's id is
derived from the event it came from, and a need remembered is the same need again. `batched`:
each run of them on a partition is taken at once (`Earning.on_events`); else one at a time."""

from __future__ import annotations

from contract.events.needs import ClaimCompleted, NeedPosted, WishConfirmed
from contract.events.resources import ServiceRequestCompleted
from points.earning.service import Earning
from runtime import known_organizations
from runtime.handlers import Handlers
from runtime.known_organizations import KnownOrganizations


def handlers(earning: Earning, organizations: KnownOrganizations, *, batched: bool = True) -> Handlers:
    known = known_organizations.handlers(organizations, members=True)
    if batched:
        return known.batched((NeedPosted, ClaimCompleted, WishConfirmed, ServiceRequestCompleted), earning.on_events)
    return (
        known.on(NeedPosted, earning.on_need_posted, idempotent=True)
        .on(ClaimCompleted, earning.on_claim_completed, idempotent=True)
        .on(WishConfirmed, earning.on_wish_confirmed, idempotent=True)
        .on(ServiceRequestCompleted, earning.on_request_completed, idempotent=True)
    )
