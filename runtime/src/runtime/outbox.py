"""The single-document outbox.

A use case writes an aggregate and the events its change causes in ONE document update: the
events go to the document's `outbox` array and `outbox_pending` is set. The relay publishes
pending events (in order, acknowledged by the broker) and only then removes them. A crash
between the write and the publish delays the events; it never loses them. A crash between
the publish and the removal publishes them again: consumers are idempotent.

Bulk writes (an import of 220,000 members) use outbox groups instead, so nothing rewrites or
rereads every document: a group document is written first (pending, open) with the events of
all its aggregates, then the aggregates with the group's name; the writer then publishes the
events it has in hand and marks the group done. A group left open longer than `ABANDONED` (its
writer died) is relayed from its own record: the events of the documents that were written go
out. Later changes use the document's own `outbox`.

A group keeps its events as one compressed blob, not as documents of their own or inside each
aggregate's: FerretDB converts a nested document field by field, and the events stored inside
a city's 220,000 members took as long to write as the members themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import zlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.collection import AsyncCollection

from contract.events import Envelope
from runtime.kafka import Message, publish
from runtime.mongo import Document, document_lock

log = logging.getLogger(__name__)


def with_events(document: Document, events: Sequence[Envelope]) -> Document:
    """A new aggregate document carrying its first events, relayed by themselves."""
    stored = [_stored(e) for e in events]
    return {**document, "outbox": stored, "outbox_pending": bool(stored)}


def in_group(document: Document, group: str) -> Document:
    """A new aggregate document written in an outbox group, which holds its events (`open_group`)."""
    return {**document, "outbox": [], "outbox_pending": False, "outbox_group": group}


ABANDONED = timedelta(minutes=5)


async def open_group(
    groups: AsyncCollection[Document], name: str, collection: str, events: Mapping[str, Sequence[Envelope]]
) -> None:
    """Records a bulk write's group with the events of each of its documents (by `_id`), before
    any of them is written."""
    messages = [(document_id, Message.of(e)) for document_id, some in events.items() for e in some]
    stored = [[document_id, m.type, m.key, m.value, m.correlation_id] for document_id, m in messages]
    blob = zlib.compress(json.dumps(stored, ensure_ascii=False).encode(), 1)
    fields = {"collection": collection, "pending": True, "open": True, "opened_at": datetime.now(UTC), "events": blob}
    await groups.update_one({"_id": name}, {"$set": fields}, upsert=True)


def _group_events(group: Document) -> list[tuple[str, Message]]:
    """A group's events, each with the `_id` of its document."""
    return [(document_id, Message(*fields)) for document_id, *fields in json.loads(zlib.decompress(group["events"]))]


def push_events(update: dict[str, Any], events: Sequence[Envelope]) -> dict[str, Any]:
    """Adds the events to an update of an existing aggregate document."""
    return {
        **update,
        "$push": {**update.get("$push", {}), "outbox": {"$each": [_stored(e) for e in events]}},
        "$set": {**update.get("$set", {}), "outbox_pending": True},
    }


def _stored(event: Envelope) -> Document:
    message = Message.of(event)
    return {
        "id": event.id,
        "type": message.type,
        "key": message.key,
        "cid": message.correlation_id,
        "json": message.value,
    }


def _message(stored: Document) -> Message:
    return Message(stored["type"], stored["key"], stored["json"], stored["cid"])


async def ensure_outbox_index(collection: AsyncCollection[Document]) -> None:
    """The indexes the relay's queries need (on the groups collection too)."""
    await collection.create_index("outbox_pending")
    await collection.create_index("outbox_group")


class OutboxRelay:
    """Publishes the pending events of some collections, each to its type's topic (`topic_of`:
    the contract binds an event type, through its aggregate, to its producer's topic)."""

    def __init__(
        self,
        collections: Sequence[AsyncCollection[Document]],
        producer: AIOKafkaProducer,
        topic_of: Callable[[str], str],
        *,
        groups: AsyncCollection[Document] | None = None,
        poll_seconds: float = 0.5,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled
        self.collections = collections
        self.groups = groups
        self.producer = producer
        self.topic_of = topic_of
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a write that added events, so they go out without waiting for a poll."""
        self._wake.set()

    async def run(self) -> None:
        """Relays until cancelled; a failed pass is logged and retried at the next poll."""
        if not self.enabled:
            log.warning("outbox relay disabled: events stay pending until a relay runs")
            return
        while True:
            self._wake.clear()
            try:
                while await self.relay_once():
                    pass
            except Exception:
                log.exception("outbox relay pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def publish_group(self, name: str, events: Sequence[Envelope]) -> None:
        """Publishes a bulk write's events, in hand once its documents are written, and marks its
        group done. Should this fail, the group stays open and is relayed once abandoned."""
        await publish(self.producer, self.topic_of, [Message.of(e) for e in events])
        assert self.groups is not None
        await self.groups.update_one(
            {"_id": name}, {"$set": {"pending": False, "open": False}, "$unset": {"events": ""}}
        )

    async def relay_once(self, batch: int = 200) -> int:
        """Publishes one batch of pending documents per collection, and pending groups; returns
        how many documents it relayed."""
        relayed = 0
        for collection in self.collections:
            pending = await collection.find({"outbox_pending": True}, {"outbox": 1}).limit(batch).to_list()
            if pending:
                await self._relay(collection, pending)
                relayed += len(pending)
        if self.groups is not None:
            by_name = {c.name: c for c in self.collections}
            abandoned = datetime.now(UTC) - ABANDONED
            ready = {"pending": True, "collection": {"$in": list(by_name)}, "opened_at": {"$lt": abandoned}}
            async for group in self.groups.find(ready).sort("_id", 1).limit(10):
                relayed += await self._relay_group(by_name[group["collection"]], group)
        return relayed

    async def _relay(self, collection: AsyncCollection[Document], docs: Sequence[Document]) -> None:
        """The documents' pending events in one publish (each document's in order), then every
        document cleared of them at once. `make bench-needs` (its events out after the last claim
        answered): 52 s a document at a time, a wait for the broker each; 11-13 s clearing
        sixteen at a time, the requests' updates outrunning the relay's; 1.5 s so. A request that
        changes a document meanwhile waits for its clear (the document's lock), at most a pass."""
        await publish(self.producer, self.topic_of, [_message(s) for doc in docs for s in doc.get("outbox", [])])
        cleared = await asyncio.gather(*(self._published(collection, doc) for doc in docs), return_exceptions=True)
        if failed := next((e for e in cleared if isinstance(e, BaseException)), None):
            raise failed  # the pass fails once every clear has ended; what was not cleared goes out again

    async def _published(self, collection: AsyncCollection[Document], doc: Document) -> None:
        """Removes the events read from the document's outbox, and those only."""
        stored = doc.get("outbox", [])
        async with document_lock(collection, doc["_id"]):
            done = await collection.update_one(
                {"_id": doc["_id"], "outbox": stored}, {"$set": {"outbox": [], "outbox_pending": False}}
            )
            if done.modified_count == 0:  # more events arrived meanwhile: remove just ours
                await collection.update_one({"_id": doc["_id"]}, {"$pullAll": {"outbox": stored}})

    async def _relay_group(self, collection: AsyncCollection[Document], group: Document) -> int:
        """An abandoned group: the events of whichever of its documents were written."""
        assert self.groups is not None
        found = collection.find({"outbox_group": group["_id"]}, {"_id": 1, "group_events": 1})
        documents = await found.sort("_id", 1).to_list()
        if "events" in group:
            written = {d["_id"] for d in documents}
            messages = [m for document_id, m in _group_events(group) if document_id in written]
        else:  # written before groups held their events: each document held its own
            messages = [_message(s) for d in documents for s in d.get("group_events", ())]
        await publish(self.producer, self.topic_of, messages)
        await self.groups.update_one({"_id": group["_id"]}, {"$set": {"pending": False}, "$unset": {"events": ""}})
        return max(1, len(documents))
