"""A venues' ledger imported: several requests at once, with fakes of the service's ports; the events it makes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from contract.events import Envelope, parse_event
from contract.events.resources import BookingStatus, ResourceKind, ResourceStatus
from contract.taxonomy import Category
from resources.bookings.models import Booking
from resources.bookings.rules import slot_starts
from resources.bookings.schemas import BookingImport
from resources.bookings.service import Bookings, booking_data, imported
from resources.bookings.slots import slot_id
from resources.resources.models import Resource
from resources.view import SupplyView
from runtime.actors import Actor, ActorKind
from runtime.mongo import Document

VENUE = Resource(
    id="f" * 32,
    organization_id="e" * 32,
    kind=ResourceKind.VENUE,
    name="活动室",
    category=Category.VENUE,
    area_code="350102001001",
    capacity=30,
    status=ResourceStatus.PUBLISHED,
)


class DatabaseSlots:
    """Places slots as the database would, and counts those it had to refuse (on FerretDB, one
    refused slot has the whole batch inserted again, a slot at a time)."""

    def __init__(self) -> None:
        self.held: set[str] = set()
        self.refused = 0

    async def insert_many(self, bookings: list[Booking]) -> list[Booking]:
        await asyncio.sleep(0)  # the round trip: another import runs meanwhile
        placed = []
        for booking in bookings:
            halves = {slot_id(booking.venue_id, moment) for moment in slot_starts(booking.starts_at, booking.ends_at)}
            if halves & self.held:
                self.refused += 1
                continue
            self.held |= halves
            placed.append(booking)
        return placed


class StoredBookings:
    def __init__(self, view: SupplyView) -> None:
        self.view = view

    async def insert_many(self, bookings: Sequence[tuple[Booking, Sequence[Envelope]]], *, group: str) -> int:
        await asyncio.sleep(0)
        for booking, _ in bookings:
            self.view.put_booking(booking)
        return len(bookings)


class Registered:
    async def require(self, organization_id: str) -> Document:
        return {"_id": organization_id}


def row(start: datetime, booking_id: str) -> dict[str, Any]:
    end = start + timedelta(hours=2)
    return {"id": booking_id, "venue_id": VENUE.id, "organization_id": "b" * 32, "starts_at": start, "ends_at": end}


async def test_imports_in_flight_at_once_never_send_the_database_a_clash() -> None:
    view, slots = SupplyView(), DatabaseSlots()
    view.put_resource(VENUE)
    bookings = Bookings(StoredBookings(view), slots, None, Registered(), view, None)  # type: ignore[arg-type]
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code="350102")
    nine = datetime(2026, 3, 2, 1, tzinfo=UTC)
    first = BookingImport(bookings=[row(nine, "a" * 32)])
    second = BookingImport(bookings=[row(nine + timedelta(hours=1), "c" * 32), row(nine + timedelta(days=1), "d" * 32)])

    answers = await asyncio.gather(bookings.import_bookings(first, admin), bookings.import_bookings(second, admin))

    assert answers == [{"received": 1, "imported": 1, "clashed": 0}, {"received": 2, "imported": 1, "clashed": 1}]
    assert slots.refused == 0  # the clash was left out before the insert
    assert bookings._importing == set()  # nothing kept once the imports are done


def test_an_imported_bookings_confirmation_is_what_validating_it_makes() -> None:
    nine = datetime(2026, 3, 2, 1, tzinfo=UTC)
    booking = Booking(
        id="a" * 32,
        venue_id=VENUE.id,
        venue_organization_id=VENUE.organization_id,
        organization_id="b" * 32,
        starts_at=nine,
        ends_at=nine + timedelta(hours=2),
        status=BookingStatus.CONFIRMED,
    )
    made = imported(booking)
    assert parse_event(made.model_dump_json()) == made
    assert made.data == booking_data(booking).model_copy(update={"imported": True})
