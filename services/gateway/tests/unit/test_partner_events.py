"""What partners are shown of an event (webhooks and the live stream): everything, but a wish's
resident, whom organisations see by surname only."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from contract.events.needs import WishClaimed, WishData
from contract.events.resources import BookingData, BookingRequested
from gateway.webhooks.service import for_partners

AT = datetime(2026, 12, 5, 8, tzinfo=UTC)


def test_a_wish_reaches_partners_without_its_resident_and_other_events_whole() -> None:
    data = WishData(
        wish_id="w" * 32,
        area_code="350102001001",
        status="claimed",
        claimer_organization_id="c" * 32,
        resident_id="r" * 32,
        version=2,
    )
    shown = json.loads(for_partners(WishClaimed(source="needs", subject=data.wish_id, data=data)))
    assert "resident_id" not in shown["data"] and shown["data"]["claimer_organization_id"] == "c" * 32
    assert shown["type"] == "wish.claimed" and shown["subject"] == "w" * 32
    booking = BookingData(
        booking_id="b" * 32,
        venue_id="v" * 32,
        venue_organization_id="o" * 32,
        resident_id="r" * 32,
        starts_at=AT,
        ends_at=AT,
        status="requested",
    )
    event = BookingRequested(source="resources", subject="b" * 32, data=booking)
    assert for_partners(event) == event.model_dump_json()
