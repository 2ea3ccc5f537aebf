"""The single-document outbox.

A use case writes an aggregate and the events its change causes in ONE document update: the
events go to the document's `outbox` array and `outbox_pending` is set. The relay publishes
pending events (in order, acknowledged by the broker) and only then removes them. A crash
between the write and the publish delays the events; it never loses them. A crash between
the publish and the removal publishes them again: consumers are idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.collection import AsyncCollection

from shared.events import Envelope
from shared.kafka import Message, publish
from shared.mongo import Document

log = logging.getLogger(__name__)


def with_events(document: Document, events: Sequence[Envelope], *, group: str | None = None) -> Document:
    """A new aggregate document carrying its first events.

    `group` names a bulk write (an import batch) whose documents the relay may clear together,
    with one update instead of one a document.
    """
    return {**document, "outbox": [_stored(e) for e in events], "outbox_pending": bool(events), "outbox_group": group}


def push_events(update: dict[str, Any], events: Sequence[Envelope]) -> dict[str, Any]:
    """Adds the events to an update of an existing aggregate document."""
    return {
        **update,
        "$push": {**update.get("$push", {}), "outbox": {"$each": [_stored(e) for e in events]}},
        "$set": {**update.get("$set", {}), "outbox_pending": True, "outbox_group": None},
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
    await collection.create_index("outbox_pending")
    await collection.create_index("outbox_group")


class OutboxRelay:
    """Publishes the pending events of some collections to one topic."""

    def __init__(
        self,
        collections: Sequence[AsyncCollection[Document]],
        producer: AIOKafkaProducer,
        topic: str,
        *,
        poll_seconds: float = 0.5,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled
        self.collections = collections
        self.producer = producer
        self.topic = topic
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

    async def relay_once(self, batch: int = 200) -> int:
        """Publishes one batch of pending events per collection; returns how many documents it cleared."""
        cleared = 0
        for collection in self.collections:
            pending = collection.find({"outbox_pending": True}, {"outbox": 1, "outbox_group": 1}).limit(batch)
            groups_done: set[str] = set()
            async for doc in pending:
                group = doc.get("outbox_group")
                if group is None:
                    await self._relay(collection, doc)
                    cleared += 1
                elif group not in groups_done:
                    groups_done.add(group)
                    cleared += await self._relay_group(collection, group)
        return cleared

    async def _relay(self, collection: AsyncCollection[Document], doc: Document) -> None:
        stored = doc.get("outbox", [])
        await publish(self.producer, self.topic, [_message(s) for s in stored])
        done = await collection.update_one(
            {"_id": doc["_id"], "outbox": stored}, {"$set": {"outbox": [], "outbox_pending": False}}
        )
        if done.modified_count == 0:  # more events arrived meanwhile: remove just ours
            await collection.update_one({"_id": doc["_id"]}, {"$pullAll": {"outbox": stored}})

    async def _relay_group(self, collection: AsyncCollection[Document], group: str) -> int:
        """Publishes a bulk write's events, then clears its documents with one update. A document
        updated meanwhile left the group (`push_events`), so its new events are not cleared here."""
        query = {"outbox_group": group, "outbox_pending": True}
        documents = await collection.find(query, {"outbox": 1}).sort("_id", 1).to_list()
        await publish(self.producer, self.topic, [_message(s) for d in documents for s in d["outbox"]])
        await collection.update_many(query, {"$set": {"outbox": [], "outbox_pending": False, "outbox_group": None}})
        return len(documents)
