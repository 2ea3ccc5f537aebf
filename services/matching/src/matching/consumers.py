"""The events matching reacts to: those that keep its index current (read by the index's feed
from the topics' beginning at every start), and those of the saga (read once, in its group)."""

from __future__ import annotations

from typing import Any

from matching.service import Matching
from runtime.kafka import Handler


def index_handlers(matching: Matching) -> dict[str, Any]:
    return {
        "need.posted": matching.on_need_posted,
        **dict.fromkeys(("need.updated", "need.cancelled", "need.expired", "need.fulfilled"), matching.on_need_changed),
        **dict.fromkeys(("claim.completed", "claim.released"), matching.on_claim_ended),
        **dict.fromkeys(("resource.published", "resource.updated", "resource.withdrawn"), matching.on_resource),
        **dict.fromkeys(("booking.requested", "booking.confirmed", "booking.cancelled"), matching.on_booking),
        **dict.fromkeys(("service_request.accepted", "service_request.cancelled"), matching.on_request),
    }


def saga_handlers(matching: Matching) -> dict[str, Handler]:
    return {
        **dict.fromkeys(("claim.made", "booking.confirmed", "service_request.accepted"), matching.on_half_made),
        **dict.fromkeys(("claim.refused", "booking.refused", "service_request.refused"), matching.on_half_refused),
    }
