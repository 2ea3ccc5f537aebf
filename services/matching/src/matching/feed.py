"""The index's feed: the needs and resources topics read from their beginning at every start
(no consumer group, nothing committed), so a restart rebuilds the same index; once it has read
up to where the topics ended when it started, the index is current and new facts are
proposed as they arrive. Records are applied in slices of the event loop's time, so a
burst on the topics (the whole city's supply at once, or the rebuild at start) never keeps the
service from answering or its saga consumer from sending Kafka its heartbeats."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from pydantic import ValidationError

from contract.events import parse_event
from contract.tracing import correlation_id
from runtime.config import ServiceSettings
from runtime.pacing import Pacer

log = logging.getLogger(__name__)
Apply = Callable[[Any], Awaitable[None]]


class IndexFeed:
    def __init__(
        self,
        settings: ServiceSettings,
        topics: Sequence[str],
        handlers: Mapping[str, Apply],
        on_caught_up: Callable[[], None],
    ) -> None:
        self.settings = settings
        self.topics = topics
        self.handlers = handlers
        self.on_caught_up = on_caught_up
        self.events = 0
        self.rebuilt_in_s: float | None = None

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            client_id=f"{self.settings.service_name}-index",
            group_id=None,  # every partition, from its beginning, nothing committed
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            while not consumer.assignment():  # noqa: ASYNC110  # aiokafka assigns once it has the metadata; no event says so
                await asyncio.sleep(0.05)
            partitions = sorted(consumer.assignment())
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            started = time.perf_counter()
            behind = {tp for tp, end in ends.items() if end > 0}
            if not behind:
                self._caught_up(started)
            pacer = Pacer()
            while True:
                # each read parses its records at once, between two of the pacer's turns: a small read
                batches = await consumer.getmany(timeout_ms=500, max_records=200)
                for tp, records in batches.items():
                    for record in records:
                        await self._apply(record)
                        await pacer.pace()
                    if tp in behind and records[-1].offset + 1 >= ends[tp]:
                        behind.discard(tp)
                        if not behind:
                            self._caught_up(started)
        finally:
            await consumer.stop()

    def _caught_up(self, started: float) -> None:
        self.rebuilt_in_s = round(time.perf_counter() - started, 3)
        log.info(
            "index rebuilt from the topics", extra={"fields": {"events": self.events, "seconds": self.rebuilt_in_s}}
        )
        self.on_caught_up()

    async def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            event = parse_event(record.value or b"")
        except ValidationError:
            return  # the services' own consumers dead-letter it
        handler = self.handlers.get(event.type)
        if handler is None:
            return
        self.events += 1
        sent_id = dict(record.headers or ()).get("correlation_id")
        token = correlation_id.set(sent_id.decode() if sent_id else None)  # proposals carry it on
        try:
            await handler(event)
        except Exception:
            log.exception("index update failed", extra={"fields": {"event_id": event.id, "type": event.type}})
        finally:
            correlation_id.reset(token)
