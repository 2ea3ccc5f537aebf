"""Points for people in tests and benchmarks: completed claims announced on Kafka, as the needs
service announces them, each earning its member points under the rules in force."""

from __future__ import annotations

from collections.abc import Iterable

from contract.events.needs import ClaimCompleted, ClaimData
from contract.ids import new_id
from devkit.testing import send_raw, wait_consumed
from runtime.kafka import encode


def claim_served(member_id: str, served: int = 1, *, claimer: str | None, poster: str | None) -> ClaimCompleted:
    """A claim of `served` person-times completed by a member of `claimer`, for a need of `poster`."""
    claim_id = new_id()
    data = ClaimData(
        claim_id=claim_id,
        need_id=new_id(),
        need_organization_id=poster or new_id(),
        organization_id=claimer or new_id(),
        member_id=member_id,
        quantity=served,
        served=served,
    )
    return ClaimCompleted(source="needs", subject=claim_id, data=data)


async def fund(
    kafka: str,
    needs_topic: str,
    points_group: str,
    member_ids: Iterable[str],
    served: int = 1,
    *,
    claimer: str | None = None,
    poster: str | None = None,
) -> None:
    """Each member earns the points of `served` person-times (10 each under the default rules);
    returns once the points service has taken them all. With a needs service on the same topics,
    `claimer` and `poster` must be organisations it knows (it waits to rate the claims)."""
    claims = [claim_served(m, served, claimer=claimer, poster=poster) for m in member_ids]
    sent = await send_raw(kafka, needs_topic, [encode(c) for c in claims])
    await wait_consumed(kafka, points_group, sent, within=60)
