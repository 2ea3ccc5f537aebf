"""The events the points service earns from. Each handler is idempotent: a movement's id is
derived from the event it came from, and a need remembered is the same need again. It also
learns the activities and claims people check in at, and earns from its own check-outs.
`batched`: each run of the events it earns from on a partition is taken at once
(`Earning.on_events`); else one at a time."""

from __future__ import annotations

from collections.abc import Sequence

from contract.events import Envelope
from contract.events.needs import (
    ActivityCancelled,
    ActivityJoined,
    ActivityPosted,
    ActivityWithdrawn,
    ClaimCompleted,
    ClaimMade,
    ClaimReleased,
    NeedPosted,
    WishConfirmed,
)
from contract.events.points import CheckinRecorded
from contract.events.resources import ServiceRequestCompleted
from points.attendance.earning import AttendanceEarning
from points.attendance.service import Attendances
from points.earning.service import Earning
from runtime import known_organizations
from runtime.handlers import Handlers
from runtime.known_organizations import KnownOrganizations


def handlers(
    earning: Earning,
    organizations: KnownOrganizations,
    attendances: Attendances,
    attendance: AttendanceEarning,
    *,
    batched: bool = True,
) -> Handlers:
    async def on_claim_completed(event: ClaimCompleted) -> None:
        await earning.on_claim_completed(event)
        await attendances.on_claim_ended(event)  # checked out of, no longer into

    async def on_run(events: Sequence[Envelope]) -> None:
        await earning.on_events(events)
        await attendances.on_claims_completed([e for e in events if isinstance(e, ClaimCompleted)])

    known = known_organizations.handlers(organizations)
    if batched:
        earned = known.batched((NeedPosted, ClaimCompleted, WishConfirmed, ServiceRequestCompleted), on_run)
    else:
        earned = (
            known.on(NeedPosted, earning.on_need_posted, idempotent=True)
            .on(ClaimCompleted, on_claim_completed, idempotent=True)
            .on(WishConfirmed, earning.on_wish_confirmed, idempotent=True)
            .on(ServiceRequestCompleted, earning.on_request_completed, idempotent=True)
        )
    return (
        earned.on(ActivityPosted, attendances.on_activity, idempotent=True)
        .on(ActivityJoined, attendances.on_activity, idempotent=True)
        .on(ActivityWithdrawn, attendances.on_activity, idempotent=True)
        .on(ActivityCancelled, attendances.on_activity, idempotent=True)
        .on(ClaimMade, attendances.on_claim_made, idempotent=True)
        .on(ClaimReleased, attendances.on_claim_ended, idempotent=True)
        .on(CheckinRecorded, attendance.on_checkin_recorded, idempotent=True)
    )
