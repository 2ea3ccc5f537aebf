"""What makes double bookings impossible: every half hour a booking holds is one document whose
`_id` is the venue and the half hour, and `_id` is unique. Two bookings racing for one half
hour both insert it; the database accepts one and refuses the other, across any number of
processes, with no read before the write.

A booking places its slots first and is stored second, so a process that dies in between
leaves slots with no booking; a booking that ends deletes its slots after it is stored as
ended, so one that dies there leaves slots of an ended booking. Neither kind holds anything:
whoever runs into one (a later booking of that half hour) checks its booking, removes it, and
tries again.

A half hour that has begun can no longer be booked (`rules.check_range`), so nothing can run
into its slot: an imported booking places those of its half hours still to come only (a city's
ledger is mostly past: 230,000 of its 390,000 half hours). Clashes within a ledger's past are
still left out by the process importing it, from its read model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from contract.errors import Conflict
from resources.bookings.models import Booking
from resources.bookings.rules import slot_starts
from resources.resources.models import now
from runtime.mongo import DUPLICATE_KEY, Document, insert_new

IN_FLIGHT = timedelta(seconds=30)  # a slot younger than this may belong to a booking being stored
HoldsSlots = Callable[[str], Awaitable[bool]]  # whether the booking of this id holds its slots


def slot_id(venue_id: str, start: datetime) -> str:
    return f"{venue_id}/{start.timestamp():.0f}"


class Taken(Conflict):
    code = "slot_taken"

    @classmethod
    def at(cls, venue_id: str, moment: datetime) -> Taken:
        return cls(f"the venue is booked at {moment.isoformat()}", taken_at=moment.isoformat(), venue_id=venue_id)


class Slots:
    def __init__(self, collection: AsyncCollection[Document], holds: HoldsSlots) -> None:
        self.collection = collection
        self.holds = holds

    async def place(self, booking: Booking) -> None:
        """Takes the booking's half hours, or raises Taken naming the first one held by another."""
        for _ in range(3):
            taken = await self._insert(booking)
            if taken is None:
                return
            if not await self._clear_if_stale(taken):
                raise Taken.at(booking.venue_id, datetime.fromtimestamp(int(taken["_id"].rsplit("/", 1)[1]), UTC))
        raise Conflict("the venue's calendar is busy; try again")

    async def _insert(self, booking: Booking) -> Document | None:
        """Inserts the booking's slots in time order; on a clash, removes those it inserted before
        it and answers the slot that clashed, as stored."""
        placed = now()
        documents: list[Document] = [
            {"_id": slot_id(booking.venue_id, start), "booking_id": booking.id, "placed_at": placed}
            for start in slot_starts(booking.starts_at, booking.ends_at)
        ]
        try:
            await self.collection.insert_many(documents, ordered=True)
            return None
        except BulkWriteError as exc:
            first = exc.details["writeErrors"][0]
            if first["code"] != DUPLICATE_KEY:
                raise
            clash = documents[first["index"]]["_id"]
            for document in documents[: first["index"]]:  # ordered: those before the clash went in
                await self.collection.delete_one({"_id": document["_id"], "booking_id": booking.id})
        return await self.collection.find_one({"_id": clash}) or {"_id": clash, "booking_id": None, "placed_at": placed}

    async def _clear_if_stale(self, slot: Document) -> bool:
        """Removes a slot that holds nothing (see the module's docstring); True if it did, or if
        the slot was gone already."""
        if slot.get("booking_id") is None:
            return True  # freed between the clash and the read
        if slot["placed_at"] > now() - IN_FLIGHT or await self.holds(slot["booking_id"]):
            return False
        await self.collection.delete_one({"_id": slot["_id"], "booking_id": slot["booking_id"]})
        return True

    async def release(self, booking_id: str) -> None:
        await self.collection.delete_many({"booking_id": booking_id})

    async def insert_many(self, bookings: list[Booking]) -> list[Booking]:
        """Places the slots to come of many bookings at once (an import); answers those that
        got all theirs. A booking that clashed with another keeps none. (FerretDB scans a
        collection for `$in`, so clashes are looked up and undone one by one: there are few.)"""
        placed = now()
        documents: list[Document] = [
            {"_id": slot_id(b.venue_id, start), "booking_id": b.id, "placed_at": placed}
            for b in bookings
            for start in slot_starts(b.starts_at, b.ends_at)
            if start > placed
        ]
        if not documents:
            return bookings
        clashed: set[str] = set()
        for taken in sorted(await insert_new(self.collection, documents)):
            wanted = documents[taken]
            held = await self.collection.find_one({"_id": wanted["_id"]}, {"booking_id": 1})
            if held is not None and held["booking_id"] != wanted["booking_id"]:  # not its own from a try before
                clashed.add(wanted["booking_id"])
        for booking_id in sorted(clashed):
            await self.release(booking_id)
        return [b for b in bookings if b.id not in clashed]
