"""Where movements are kept: one document each, its `_id` derived from its cause (so the same
event posts once), its event in the document's outbox, its postings listed for reading an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contract.events.points import HoursPosted, PointsPosted, Unit
from points.ledger.models import Movement
from runtime.mongo import Document
from runtime.outbox import with_events
from runtime.repository import readable

SOURCE = "points"


class MovementRepository(Protocol):
    async def insert(self, movement: Movement) -> bool:
        """Stores a movement with its event; False when one with its id is stored already."""
        ...

    async def exists(self, movement_id: str) -> bool: ...

    async def of_account(self, account: str, *, before: str | None, limit: int) -> list[Movement]:
        """The movements touching `account`, the newest first, older than the movement `before`."""
        ...

    async def received(self, account: str, unit: Unit, *, since: datetime, until: datetime) -> list[Movement]:
        """The movements of `unit` given to `account` at or after `since` and before `until`, the oldest first."""
        ...


class MongoMovementRepository:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        on_events: Callable[[], None],
        read_model: Callable[[Movement], None],
    ) -> None:
        self.collection = collection
        self.on_events = on_events
        self.read_model = read_model

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("postings.account", 1), ("at", -1), ("_id", -1)])

    async def load(self) -> int:
        """Gives the read model every stored movement (at start), a bad one skipped; how many it took."""
        loaded = 0
        async for document in self.collection.find({}, {"outbox": 0, "outbox_pending": 0}):
            if (movement := readable(self.collection.name, document, _movement)) is not None:
                self.read_model(movement)
                loaded += 1
        return loaded

    async def insert(self, movement: Movement) -> bool:
        kind = PointsPosted if movement.unit is Unit.POINTS else HoursPosted
        event = kind(source=SOURCE, subject=movement.id, data=movement.data())
        fields = movement.model_dump(mode="python", exclude={"id"})
        postings = [p.model_dump() for p in movement.postings]
        try:
            await self.collection.insert_one(with_events({"_id": movement.id, **fields, "postings": postings}, [event]))
        except DuplicateKeyError:
            return False
        self.read_model(movement)
        self.on_events()
        return True

    async def exists(self, movement_id: str) -> bool:
        return await self.collection.find_one({"_id": movement_id}, {"_id": 1}) is not None

    async def of_account(self, account: str, *, before: str | None, limit: int) -> list[Movement]:
        where: dict[str, Any] = {"postings.account": account}
        if before is not None:
            last = await self.collection.find_one({"_id": before}, {"at": 1})
            if last is not None:
                at = last["at"]
                where["$or"] = [{"at": {"$lt": at}}, {"at": at, "_id": {"$lt": before}}]
        cursor = self.collection.find(where, {"outbox": 0}).sort([("at", -1), ("_id", -1)]).limit(limit)
        found = [readable(self.collection.name, document, _movement) async for document in cursor]
        return [movement for movement in found if movement is not None]

    async def received(self, account: str, unit: Unit, *, since: datetime, until: datetime) -> list[Movement]:
        where = {"postings.account": account, "to_account": account, "unit": unit.value}
        cursor = self.collection.find({**where, "at": {"$gte": since, "$lt": until}}, {"outbox": 0}).sort(
            [("at", 1), ("_id", 1)]
        )
        found = [readable(self.collection.name, document, _movement) async for document in cursor]
        return [movement for movement in found if movement is not None]


def _movement(document: Document) -> Movement:
    return Movement.model_validate({**document, "id": document["_id"]})
