"""Where movements are kept: one document each, its `_id` derived from its cause (so the same
event posts once), its event in the document's outbox, its postings listed for reading an account."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import uuid4

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contract.events.points import HoursPosted, PointsPosted, Unit
from points.ledger.models import Movement
from runtime.mongo import Document, insert_new
from runtime.outbox import OutboxRelay, in_group, open_group, with_events
from runtime.repository import readable

SOURCE = "points"
_HIDDEN = {"outbox": 0, "outbox_pending": 0, "outbox_group": 0, "group_events": 0}  # the outbox's, not the movement's


class MovementRepository(Protocol):
    async def insert(self, movement: Movement) -> bool:
        """Stores a movement with its event; False when one with its id is stored already."""
        ...

    async def insert_many(self, movements: Sequence[Movement]) -> list[Movement]:
        """Stores movements with their events at once; answers those stored, not those stored already."""
        ...

    async def stored(self, ids: Collection[str]) -> set[str]:
        """Which of the movement ids are stored already."""
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
        relay: OutboxRelay | None = None,
    ) -> None:
        self.collection = collection
        self.on_events = on_events
        self.read_model = read_model
        self.relay = relay  # publishes the events of `insert_many` (an outbox group)
        # the ids of the movements stored (this process is their one writer: runtime.lease), so
        # `stored` needs no query: FerretDB answers `{"_id": {"$in": [...]}}` by scanning the collection
        self._ids: set[bytes] = set()

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("postings.account", 1), ("at", -1), ("_id", -1)])

    async def load(self) -> int:
        """Gives the read model every stored movement (at start), a bad one skipped; how many it took."""
        loaded = 0
        async for document in self.collection.find({}, _HIDDEN):
            if (movement := readable(self.collection.name, document, _movement)) is not None:
                self.read_model(movement)
                loaded += 1
            self._ids.add(_key(document["_id"]))
        return loaded

    async def insert(self, movement: Movement) -> bool:
        try:
            await self.collection.insert_one(with_events(_document(movement), [_posted(movement)]))
        except DuplicateKeyError:
            self._ids.add(_key(movement.id))
            return False
        self._ids.add(_key(movement.id))
        self.read_model(movement)
        self.on_events()
        return True

    async def insert_many(self, movements: Sequence[Movement]) -> list[Movement]:
        """One unordered insert of them all, their events an outbox group published once they
        are stored (`runtime.outbox`): those stored already are skipped, their events not sent again."""
        if not movements:
            return []
        assert self.relay is not None and self.relay.groups is not None, "inserting many needs the relay's groups"
        group = f"movements-{uuid4().hex}"
        events = [_posted(m) for m in movements]
        await open_group(
            self.relay.groups, group, self.collection.name, {m.id: [e] for m, e in zip(movements, events, strict=True)}
        )
        documents = [in_group(_document(m), group) for m in movements]
        taken = await insert_new(self.collection, documents)
        inserted = [at for at in range(len(movements)) if at not in taken]
        self._ids.update(_key(m.id) for m in movements)
        for at in inserted:
            self.read_model(movements[at])
        await self.relay.publish_group(group, [events[at] for at in inserted])
        return [movements[at] for at in inserted]

    async def stored(self, ids: Collection[str]) -> set[str]:
        return {movement_id for movement_id in ids if _key(movement_id) in self._ids}

    async def exists(self, movement_id: str) -> bool:
        return await self.collection.find_one({"_id": movement_id}, {"_id": 1}) is not None

    async def of_account(self, account: str, *, before: str | None, limit: int) -> list[Movement]:
        where: dict[str, Any] = {"postings.account": account}
        if before is not None:
            last = await self.collection.find_one({"_id": before}, {"at": 1})
            if last is not None:
                at = last["at"]
                where["$or"] = [{"at": {"$lt": at}}, {"at": at, "_id": {"$lt": before}}]
        cursor = self.collection.find(where, _HIDDEN).sort([("at", -1), ("_id", -1)]).limit(limit)
        found = [readable(self.collection.name, document, _movement) async for document in cursor]
        return [movement for movement in found if movement is not None]

    async def received(self, account: str, unit: Unit, *, since: datetime, until: datetime) -> list[Movement]:
        where = {"postings.account": account, "to_account": account, "unit": unit.value}
        cursor = self.collection.find({**where, "at": {"$gte": since, "$lt": until}}, {"outbox": 0}).sort(
            [("at", 1), ("_id", 1)]
        )
        found = [readable(self.collection.name, document, _movement) async for document in cursor]
        return [movement for movement in found if movement is not None]


def _key(movement_id: object) -> bytes:
    """A movement id as kept in memory: its 16 bytes, not its 32 hex digits."""
    try:
        return bytes.fromhex(str(movement_id))
    except ValueError:
        return str(movement_id).encode()


def _posted(movement: Movement) -> PointsPosted | HoursPosted:
    kind = PointsPosted if movement.unit is Unit.POINTS else HoursPosted
    return kind(source=SOURCE, subject=movement.id, data=movement.data())


def _document(movement: Movement) -> Document:
    fields = movement.model_dump(mode="python", exclude={"id"})
    return {"_id": movement.id, **fields, "postings": [p.model_dump() for p in movement.postings]}


def _movement(document: Document) -> Movement:
    return Movement.model_validate({**document, "id": document["_id"]})
