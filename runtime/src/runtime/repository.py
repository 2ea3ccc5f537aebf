"""A MongoDB repository of one kind of aggregate, its pending events kept in the same document."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from prometheus_client import Counter
from pydantic import ValidationError
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contract.aggregates import Aggregate, Versioned
from contract.errors import Conflict, NotFound
from contract.events import Envelope
from runtime.mongo import Document, at_once, document_lock, insert_new
from runtime.outbox import OutboxRelay, in_group, open_group, push_events, with_events

log = logging.getLogger(__name__)
UNREADABLE = Counter(
    "stored_documents_unreadable_total", "Stored documents skipped because they are no valid aggregate", ["collection"]
)

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")
CHANGE_ATTEMPTS = 5
_HIDDEN = {"outbox": 0, "outbox_pending": 0, "outbox_group": 0, "group_events": 0}  # the outbox's, not the model's


class Announcements:
    """Events that change no aggregate (a refusal), each published through an outbox document of its own."""

    def __init__(self, collection: AsyncCollection[Document], on_events: Callable[[], None]) -> None:
        self.collection = collection
        self.on_events = on_events

    async def announce(self, event: Envelope) -> None:
        await self.collection.insert_one(with_events({"_id": event.id}, [event]))
        self.on_events()


class MongoRepository(Generic[A]):
    """Aggregates are stored with their `id` as `_id`; pending events ride along (see
    `runtime.outbox`). Saving is the unit of work: the aggregate and its events are written in one
    update, the relay is woken for the events, and the service's read model (`read_model`, told
    of every aggregate written) takes the aggregate as stored, so use cases never keep it by hand."""

    model: ClassVar[type[Aggregate]]

    def __init__(
        self,
        collection: AsyncCollection[Document],
        on_events: Callable[[], None],
        *,
        relay: OutboxRelay | None = None,
        read_model: Callable[[A], None] | None = None,
    ) -> None:
        self.collection = collection
        self.on_events = on_events  # wakes the outbox relay
        self.relay = relay  # publishes bulk inserts' events (outbox groups)
        self.read_model = read_model or _nothing
        # told of the events of every write: a read model kept from the topic (`runtime.replica`)
        # then knows the aggregates it has already, and does not read them again
        self.written: Callable[[Sequence[Envelope]], None] = _nothing

    async def load(self) -> int:
        """Gives the read model every stored aggregate (at start); how many there were."""
        loaded = 0
        async for aggregate in self.all():
            self.read_model(aggregate)
            loaded += 1
        return loaded

    async def add(self, aggregate: A, events: Sequence[Envelope]) -> None:
        """Stores a new aggregate with its events; Conflict when one with its id is stored already
        (two requests making the same one at once: the database lets one of them in)."""
        document = self._fields(aggregate) | {"_id": aggregate.id}
        try:
            await self.collection.insert_one(with_events(document, events))
        except DuplicateKeyError:
            raise Conflict(f"{self.model.__name__.lower()} {aggregate.id!r} exists already", id=aggregate.id) from None
        self.read_model(aggregate)
        self.written(events)
        self.on_events()

    async def update(
        self, aggregate: A, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool:
        """Writes the aggregate's fields and adds its events in one update; with `expected_version`,
        only if the stored version is that one (optimistic concurrency). False when it was not."""
        async with document_lock(self.collection, aggregate.id):
            return await self._write(aggregate, events, expected_version=expected_version)

    async def _write(self, aggregate: A, events: Sequence[Envelope], *, expected_version: int | None) -> bool:
        query: dict[str, Any] = {"_id": aggregate.id}
        if expected_version is not None:
            query["version"] = expected_version
        fields = self._fields(aggregate)
        update = push_events({"$set": fields}, events) if events else {"$set": fields}
        result = await self.collection.update_one(query, update)
        if not result.modified_count:
            return False
        self.read_model(aggregate)
        if events:
            self.written(events)
            self.on_events()
        return True

    async def change(
        self,
        aggregate_id: str,
        decide: Callable[[A], Sequence[Envelope]],
        *,
        cached: A | None = None,
        quiet: bool = False,
    ) -> tuple[A, list[Envelope]]:
        """Reads an aggregate, lets `decide` change it (raising a DomainError to refuse) and name
        the events, and writes both in one update if nobody wrote the aggregate meanwhile; on a
        conflict, reads and decides again. A decision with no events is no change: nothing is
        written. Within this process the whole read-decide-write is serialised per aggregate, so
        concurrent requests queue instead of retrying in a storm. `cached`: a copy the caller
        believes current (a read model's), tried first; a stale one fails the write and the
        aggregate is read again. `quiet`: the decision may change the aggregate without an event,
        so it is written even when there is none."""
        async with document_lock(self.collection, aggregate_id):
            for attempt in range(CHANGE_ATTEMPTS):
                current = cached if attempt == 0 and cached is not None else await self.get(aggregate_id)
                if current is None:
                    raise NotFound(f"no {self.model.__name__.lower()} {aggregate_id!r}")
                assert isinstance(current, Versioned)
                changed = current.model_copy(deep=True, update={"version": current.version + 1})
                events = list(decide(changed))
                if not events and not quiet:
                    self.read_model(current)  # no change; what the database had is current
                    return current, events
                if await self._write(changed, events, expected_version=current.version):
                    return changed, events
        raise Conflict(f"{self.model.__name__.lower()} {aggregate_id!r} is being changed by others; try again")

    async def insert_many(self, aggregates: Sequence[tuple[A, Sequence[Envelope]]], *, group: str) -> int:
        """Inserts new aggregates with their events, as one outbox group; those already stored
        (a resumed import) are left as they are, and their events are not published again."""
        if not any(events for _, events in aggregates):
            return len(await self._insert_many(aggregates, None))
        assert self.relay is not None and self.relay.groups is not None, "bulk inserts with events need a relay"
        await open_group(self.relay.groups, group, self.collection.name, {a.id: events for a, events in aggregates})
        inserted = await self._insert_many(aggregates, group)
        await self.relay.publish_group(group, [event for at in inserted for event in aggregates[at][1]])
        return len(inserted)

    async def _insert_many(self, aggregates: Sequence[tuple[A, Sequence[Envelope]]], group: str | None) -> list[int]:
        """The positions of the aggregates inserted, those stored already left out; `group`
        holds their events (None: they have none)."""
        if not aggregates:
            return []
        documents = [self._document(a) | {"_id": a.id} for a, _ in aggregates]
        documents = [in_group(d, group) if group else with_events(d, ()) for d in documents]
        stored_already = await insert_new(self.collection, documents)
        inserted = [at for at in range(len(aggregates)) if at not in stored_already]
        for at in inserted:  # what is stored already may have changed since: it stays as it is
            self.read_model(aggregates[at][0])
            self.written(aggregates[at][1])
        return inserted

    async def all(self) -> AsyncIterator[A]:
        """Every aggregate, for rebuilding a read model at start; a stored document that is no
        valid aggregate is logged, counted and skipped, so it cannot keep the service from starting."""
        async for document in self.collection.find({}, _HIDDEN, batch_size=5000):
            if (aggregate := self._readable(document)) is not None:
                yield aggregate

    async def get(self, aggregate_id: str) -> A | None:
        found = await self.collection.find_one({"_id": aggregate_id}, _HIDDEN)
        return self._load(found) if found else None

    async def get_many(self, aggregate_ids: Sequence[str]) -> list[A]:
        """Those of the ids that are stored, each read by its `_id`, `AT_ONCE` in flight:
        FerretDB answers `_id` equality from its index, where it scans the collection for `$in`
        (15-18 s a request at a city's needs)."""
        documents = await at_once(aggregate_ids, lambda one: self.collection.find_one({"_id": one}, _HIDDEN))
        return [a for doc in documents if doc is not None and (a := self._readable(doc)) is not None]

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[A]:
        """Up to `limit` aggregates matching `where`, in id order, after the id `after` (fewer only
        when there are no more: an unreadable document is passed over, not counted)."""
        found: list[A] = []
        while len(found) < limit:
            wanted = limit - len(found)
            query = {**(where or {}), **({"_id": {"$gt": after}} if after else {})}
            documents = await self.collection.find(query, _HIDDEN).sort("_id", 1).limit(wanted).to_list()
            found.extend(aggregate for doc in documents if (aggregate := self._readable(doc)) is not None)
            if len(documents) < wanted:
                break
            after = documents[-1]["_id"]
        return found

    async def page_kept(
        self, keep: Callable[[A], bool], *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[A]:
        """Up to `limit` aggregates matching `where` that `keep` keeps (a test the database cannot
        make), in id order after `after`: pages are read until enough are kept."""
        found: list[A] = []
        while len(found) < limit:
            batch = await self.page(after=after, limit=limit, where=where)
            found.extend(a for a in batch if keep(a))
            if len(batch) < limit:
                break
            after = batch[-1].id
        return found[:limit]

    def _document(self, aggregate: A) -> Document:
        """The aggregate's fields as stored (a repository may seal some)."""
        return aggregate.model_dump(exclude={"id"})

    def _load(self, document: Document) -> A:
        loaded: A = self.model.model_validate({**document, "id": document["_id"]})  # type: ignore[assignment]
        return loaded

    def _readable(self, document: Document) -> A | None:
        return readable(self.collection.name, document, self._load)

    def _fields(self, aggregate: A) -> Document:
        """The aggregate's fields to store, once they are known to make a valid aggregate again: a
        change made past validation (`model_copy(update=...)`, an assignment) fails here, before
        anything is written, not at the next read."""
        type(aggregate).model_validate(aggregate.model_dump())
        return self._document(aggregate)


def readable(collection: str, document: Document, load: Callable[[Document], T]) -> T | None:
    """What `load` reads from a stored document, or None for one that is no valid aggregate:
    logged and counted (`stored_documents_unreadable_total`), so that one bad document never
    keeps a service from starting or answering."""
    try:
        return load(document)
    except ValidationError as exc:
        UNREADABLE.labels(collection).inc()
        errors = [{"field": ".".join(map(str, e["loc"])), "reason": e["msg"]} for e in exc.errors()[:3]]
        fields = {"collection": collection, "id": str(document.get("_id")), "errors": errors}
        log.error("a stored document is no valid aggregate: skipped", extra={"fields": fields})
        return None


def _nothing(_aggregate: Any) -> None:
    """The read model of a repository that has none."""
