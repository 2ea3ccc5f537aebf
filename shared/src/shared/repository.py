"""A MongoDB repository of one kind of aggregate, its pending events kept in the same document."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection

from shared.events import Envelope
from shared.mongo import Document
from shared.outbox import with_events


class Aggregate(BaseModel):
    """A domain object with an identity of its own, stored as one document."""

    id: str


A = TypeVar("A", bound=Aggregate)


class MongoRepository(Generic[A]):
    """Aggregates are stored with their `id` as `_id`; pending events ride along (see shared.outbox)."""

    model: ClassVar[type[Aggregate]]

    def __init__(self, collection: AsyncCollection[Document], on_events: Callable[[], None]) -> None:
        self.collection = collection
        self.on_events = on_events  # wakes the outbox relay

    async def add(self, aggregate: A, events: Sequence[Envelope]) -> None:
        document = aggregate.model_dump(exclude={"id"}) | {"_id": aggregate.id}
        await self.collection.insert_one(with_events(document, events))
        self.on_events()

    async def get(self, aggregate_id: str) -> A | None:
        found = await self.collection.find_one({"_id": aggregate_id}, {"outbox": 0})
        return self._load(found) if found else None

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[A]:
        """Up to `limit` aggregates matching `where`, in id order, after the id `after`."""
        query = {**(where or {}), **({"_id": {"$gt": after}} if after else {})}
        cursor = self.collection.find(query, {"outbox": 0, "outbox_pending": 0}).sort("_id", 1).limit(limit)
        return [self._load(doc) async for doc in cursor]

    def _load(self, document: Document) -> A:
        loaded: A = self.model.model_validate({**document, "id": document["_id"]})  # type: ignore[assignment]
        return loaded
