"""Kafka plumbing: an idempotent producer, topic creation, and one way to read events, in
three modes (`Reading`): a service's consumer group (`EventConsumer`: at least once, each
event handled once, poison dead-lettered), a replay of the topics from their beginning at
every start (rebuilding what a process keeps in memory, such as the matching index), and the
tail of the topics (live streams, in every process). `EventReader` is the one loop all three run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import CommitFailedError, TopicAlreadyExistsError
from prometheus_client import Counter
from pydantic import ValidationError

from contract.events import Envelope, Event, parse_event
from contract.tracing import correlation_id
from runtime.config import ServiceSettings
from runtime.pacing import Pacer

log = logging.getLogger(__name__)

Headers = list[tuple[str, bytes]]
READ, BATCHED_READ = 200, 1000  # records a read takes at most: each handled alone, or in runs
COMMIT_SECONDS = 1.0  # a group's offsets handled are committed this often while records keep coming
MAX_BATCH = 512 * 1024  # bytes of a partition's batch of events sent at once (Kafka takes up to 1 MB)
Handler = Callable[[Any], Awaitable[None]]
Wanted = Callable[[str], Awaitable[bool]]  # whether an event of this type is wanted now (see `EventReader`)

EVENTS_CONSUMED = Counter("events_consumed_total", "Events handled successfully", ["type"])
EVENTS_DEAD_LETTERED = Counter("events_dead_lettered_total", "Messages sent to a DLQ", ["topic"])
EVENTS_PUBLISHED = Counter("events_published_total", "Events published", ["type"])


def create_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    """Idempotent (so `acks=all`): a retried send is written once. A bulk write's events go in
    batches of up to `MAX_BATCH` a partition (aiokafka's 16 KB held some twenty events: a city's
    history was thousands of requests, each a write to the socket and a request for Kafka)."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        max_batch_size=MAX_BATCH,
    )


KEPT = {"retention.ms": "-1"}  # every event kept: read models, memberships and matching's index replay the topics


async def ensure_topics(settings: ServiceSettings, topics: Sequence[str]) -> None:
    """Creates the topics (and their dead-letter topics) that do not exist yet; every one of
    them keeps every event whatever the broker's default retention (those made before too)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        named = {name for topic in topics for name in (topic, topic + ".dlq")}
        if kept := sorted(named & existing):
            await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, KEPT) for name in kept])
        for name in sorted(named - existing):
            with contextlib.suppress(TopicAlreadyExistsError):  # another service was first
                await admin.create_topics(
                    [
                        NewTopic(
                            name,
                            num_partitions=settings.topic_partitions,
                            replication_factor=1,
                            topic_configs=KEPT,
                        )
                    ]
                )
    finally:
        await admin.close()


@dataclass(frozen=True)
class Message:
    """An event as the CloudEvents Kafka binding's structured mode sends it."""

    type: str
    key: str  # the aggregate's id: the event's subject
    value: str  # the whole envelope, as JSON
    correlation_id: str | None = None

    @classmethod
    def of(cls, event: Envelope) -> Message:
        return cls(event.type, event.subject, event.model_dump_json(), event.correlationid)

    @property
    def headers(self) -> Headers:
        headers: Headers = [("content-type", b"application/cloudevents+json"), ("ce_type", self.type.encode())]
        if self.correlation_id:
            headers.append(("correlation_id", self.correlation_id.encode()))
        return headers


def encode(event: Envelope) -> tuple[bytes, bytes, Headers]:
    """Key, value and headers of one event's Kafka message."""
    message = Message.of(event)
    return message.key.encode(), message.value.encode(), message.headers


async def publish(producer: AIOKafkaProducer, topic_of: Callable[[str], str], messages: Sequence[Message]) -> None:
    """Sends the messages in order, each to its type's topic (`topic_of`), and returns once the
    broker has acknowledged all of them. Paced: a send hands the loop back only once its batch
    is full (`MAX_BATCH`, hundreds of events), so a bulk write's thousands would hold it."""
    sent, pacer = [], Pacer()
    for m in messages:
        sent.append(
            await producer.send(topic_of(m.type), value=m.value.encode(), key=m.key.encode(), headers=m.headers)
        )
        await pacer.pace()
    await asyncio.gather(*sent)
    for message in messages:
        EVENTS_PUBLISHED.labels(message.type).inc()


@dataclass(frozen=True)
class Idempotent:
    """A handler whose effect is the same however often it runs (an upsert of what the event
    says): the consumer skips the processed-id bookkeeping for it, two database round trips an
    event."""

    handler: Handler

    async def __call__(self, event: Any) -> None:
        await self.handler(event)


@dataclass(frozen=True)
class Batched:
    """A handler of several events at once: each run of consecutive records of its types on a
    partition (other types between them passed over) is handed to it as one list, in order, so
    it can read and write for the whole run in a few round trips. Like `Idempotent`, its effect
    is the same however often it runs; called with one event, it is given a list of one."""

    handler: Callable[[Sequence[Any]], Awaitable[None]]

    async def __call__(self, event: Any) -> None:
        await self.handler([event])


class ProcessedEvents(Protocol):
    """Remembers which event ids a consumer group has handled, so a redelivery is skipped."""

    async def seen(self, event_id: str) -> bool: ...

    async def remember(self, event_id: str) -> None: ...


class Reading(StrEnum):
    """Where a consumer reads its topics from."""

    GROUP = "group"  # the service's consumer group, from where the group left off: each event handled once
    REPLAY = (
        "replay"  # every partition from its beginning at each start, nothing committed: rebuilds what is kept in memory
    )
    TAIL = "tail"  # every partition from its end: what happens from now on, in every process


def create_consumer(
    settings: ServiceSettings, topics: Sequence[str], reading: Reading = Reading.GROUP
) -> AIOKafkaConsumer:
    group = reading is Reading.GROUP
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group if group else None,
        client_id=settings.service_name if group else f"{settings.service_name}-{reading}",
        enable_auto_commit=False,
        auto_offset_reset="latest" if reading is Reading.TAIL else "earliest",
    )


class EventReader:
    """Hands each event on the topics to the handler of its type (other types are passed over),
    in slices of the event loop's time (`Pacer`), so a burst never keeps the service from
    answering. A record that is no event of the contract is passed over and a failing handler
    logged: what is broken is dead-lettered by the services' group consumers (`EventConsumer`).
    Reading `REPLAY`, `on_caught_up` is called once it has read up to where the topics ended
    when it started; `caught_up_in_s` then says how long that took; `start`: where to replay
    from instead of the beginning (a partition not in it: its beginning). `positions` says
    where it has read up to, record by record. `wanted`, for handlers whose events are wanted
    only at times (a partner's webhook, a page kept open), is asked of each record's type first:
    an event it does not want now is passed over unparsed."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        handlers: Mapping[str, Handler],
        reading: Reading,
        *,
        on_caught_up: Callable[[], None] = lambda: None,
        start: Mapping[TopicPartition, int] | None = None,
        wanted: Wanted | None = None,
    ) -> None:
        self.consumer = consumer
        self.start = start or {}
        self.positions: dict[TopicPartition, int] = dict(self.start)
        self.handlers = handlers
        self.wanted = wanted
        self.reading = reading
        self.on_caught_up = on_caught_up
        self.events = 0  # handled, or passed to a handler that failed
        self.caught_up_in_s: float | None = None
        # a read's records at most: more for a `Batched` handler, whose runs are then longer
        self.max_records = BATCHED_READ if any(isinstance(h, Batched) for h in handlers.values()) else READ

    async def run(self) -> None:
        """Reads until cancelled."""
        await self.consumer.start()
        try:
            behind, ends = await self._ends() if self.reading is Reading.REPLAY else (set(), {})
            started = time.perf_counter()
            if self.reading is Reading.REPLAY and not behind:
                self._caught_up(started)
            pacer = Pacer()
            while True:
                # each read parses its records at once, between two of the pacer's turns: a small read
                batches = await self.consumer.getmany(timeout_ms=500, max_records=self.max_records)
                read: dict[TopicPartition, int] = {}
                for tp, records in batches.items():
                    if not self.owns(tp):
                        continue  # the group gave it to another member since the read: it reads them
                    await self._read_all(records, pacer)
                    read[tp] = records[-1].offset + 1
                    if tp in behind and records[-1].offset + 1 >= ends[tp]:
                        behind.discard(tp)
                        if not behind:
                            self._caught_up(started)
                await self.done(read)
        finally:
            try:
                await self.stopping()
            finally:
                await self.consumer.stop()

    async def _ends(self) -> tuple[set[TopicPartition], dict[TopicPartition, int]]:
        """From the beginning: the partitions that hold records, and where each ends now."""
        while not self.consumer.assignment():  # noqa: ASYNC110  # aiokafka assigns once it has the metadata; no event says so
            await asyncio.sleep(0.05)
        partitions = sorted(self.consumer.assignment())
        await self.consumer.seek_to_beginning(*(tp for tp in partitions if tp not in self.start))
        for tp in partitions:
            if tp in self.start:
                self.consumer.seek(tp, self.start[tp])
        first: dict[TopicPartition, int] = await self.consumer.beginning_offsets(partitions)
        ends: dict[TopicPartition, int] = await self.consumer.end_offsets(partitions)
        # a partition emptied by retention has nothing to read, whatever its offsets
        return {tp for tp, end in ends.items() if end > max(self.start.get(tp, 0), first[tp])}, ends

    def _caught_up(self, started: float) -> None:
        self.caught_up_in_s = round(time.perf_counter() - started, 3)
        fields = {"events": self.events, "seconds": self.caught_up_in_s}
        log.info("read the topics up to where they ended at start", extra={"fields": fields})
        self.on_caught_up()

    async def _read_all(self, records: Sequence[ConsumerRecord[bytes, bytes]], pacer: Pacer) -> None:
        """A partition's records in order: each to its handler, the runs of a `Batched` one at once."""
        run: list[tuple[ConsumerRecord[bytes, bytes], Event]] = []
        run_handler: Batched | None = None
        for record in records:
            parsed = await self._parse(record)
            if parsed is None:
                await pacer.pace()  # thousands passed over in a row hold the loop too
                continue
            event, handler = parsed
            if run_handler is not None and handler is not run_handler:
                await self.handle_run(run, run_handler)
                run, run_handler = [], None
            if isinstance(handler, Batched):
                run_handler = handler
                run.append((record, event))
                await pacer.pace()
                continue
            sent_id = header(record, "correlation_id")
            token = correlation_id.set(sent_id.decode() if sent_id else None)  # what the handlers cause carries it on
            try:
                await self.handle(record, handler, event)
            finally:
                correlation_id.reset(token)
            self.positions[TopicPartition(record.topic, record.partition)] = record.offset + 1
            await pacer.pace()
        if run_handler is not None:
            await self.handle_run(run, run_handler)
        if records:
            self.positions[TopicPartition(records[-1].topic, records[-1].partition)] = records[-1].offset + 1

    async def _parse(self, record: ConsumerRecord[bytes, bytes]) -> tuple[Event, Handler] | None:
        """The record's event and its handler; None when it is no event of the contract (passed
        to `unreadable`) or no handler takes its type (one its `ce_type` header names is not
        parsed, as most of a topic's are for most of its consumers; nor one `wanted` does not
        want now)."""
        named = header(record, "ce_type")
        if named is not None:
            event_type = named.decode(errors="replace")
            if event_type not in self.handlers or (self.wanted is not None and not await self.wanted(event_type)):
                return None
        try:
            event = parse_event(record.value or b"")
        except ValidationError as exc:
            await self.unreadable(record, f"not an event of the contract: {_short(exc)}")
            return None
        handler = self.handlers.get(event.type)
        if handler is None:
            return None
        self.events += 1
        return event, handler

    async def handle(self, record: ConsumerRecord[bytes, bytes], handler: Handler, event: Event) -> None:
        try:
            await handler(event)
        except Exception:
            log.exception("handler failed", extra={"fields": {"event_id": event.id, "type": event.type}})

    async def handle_run(self, run: Sequence[tuple[ConsumerRecord[bytes, bytes], Event]], handler: Batched) -> None:
        """A run of records for a `Batched` handler, handed over at once."""
        try:
            await handler.handler([event for _, event in run])
        except Exception:
            log.exception("handler failed", extra={"fields": {"events": len(run), "first": run[0][1].id}})

    async def unreadable(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        """A record that is no event of the contract."""

    def owns(self, tp: TopicPartition) -> bool:
        """Whether the partition's records read are this reader's to handle."""
        return True

    async def done(self, read: Mapping[TopicPartition, int]) -> None:
        """A read's records were handled, up to these offsets (none: the read found nothing)."""

    async def stopping(self) -> None:
        """The reader stops."""


class EventConsumer(EventReader):
    """Reads in the service's consumer group, at least once: offsets are committed only after
    their records' handlers succeeded (or the record went to the dead-letter topic); retries
    are bounded with backoff, then the record goes to `<topic>.dlq` with its error and original
    headers, so one poison record never stalls its partition. Processed event ids are
    remembered per group, so a redelivered event is handled once (but for `Idempotent` handlers)."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        handlers: Mapping[str, Handler],
        processed: ProcessedEvents,
        *,
        max_attempts: int = 4,
        backoff_seconds: float = 0.1,
        wanted: Wanted | None = None,
    ) -> None:
        super().__init__(consumer, handlers, Reading.GROUP, wanted=wanted)
        self.handled: dict[TopicPartition, int] = {}  # offsets handled, not committed yet
        self.committed_at = time.monotonic()
        self.producer = producer
        self.processed = processed
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds

    async def handle(self, record: ConsumerRecord[bytes, bytes], handler: Handler, event: Event) -> None:
        tracked = not isinstance(handler, (Idempotent, Batched))
        if tracked and await self.processed.seen(event.id):
            return
        error = await self._attempt(handler, event)
        if error is not None:
            await self.dead_letter(record, error)
            return
        if tracked:
            await self.processed.remember(event.id)
        EVENTS_CONSUMED.labels(event.type).inc()

    async def handle_run(self, run: Sequence[tuple[ConsumerRecord[bytes, bytes], Event]], handler: Batched) -> None:
        """Hands the run over at once; should that fail, each of its events again, alone, with
        the retries and the dead-letter topic of any event (a batched handler is idempotent)."""
        try:
            await handler.handler([event for _, event in run])
        except Exception:
            log.warning("a run of events failed; handling them one by one", exc_info=True)
            for record, event in run:
                await self.handle(record, handler, event)
            return
        for _, event in run:
            EVENTS_CONSUMED.labels(event.type).inc()

    async def unreadable(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        await self.dead_letter(record, error)

    def owns(self, tp: TopicPartition) -> bool:
        return tp in self.consumer.assignment()

    async def done(self, read: Mapping[TopicPartition, int]) -> None:
        """Commits what was handled once a second while records keep coming, and at once when a
        read finds none (a commit a read and a partition kept the broker's group coordinator
        busy ~5 of its 35 CPU-seconds in a city's load, and the gateway a fifth of its time)."""
        self.handled.update(read)
        if self.handled and (not read or time.monotonic() - self.committed_at >= COMMIT_SECONDS):
            await self._commit()

    async def stopping(self) -> None:
        if self.handled:
            await self._commit()

    async def _commit(self) -> None:
        offsets = {tp: offset for tp, offset in self.handled.items() if self.owns(tp)}
        self.handled, self.committed_at = {}, time.monotonic()
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except CommitFailedError:  # the group rebalanced: what was not committed comes again
            topics = sorted({tp.topic for tp in offsets})
            log.warning("offsets not committed after a rebalance", extra={"fields": {"topics": topics}})

    async def _attempt(self, handler: Handler, event: Event) -> str | None:
        """Runs the handler with bounded retries; returns the last error, or None on success."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                await handler(event)
                return None
            except Exception as exc:
                log.warning(
                    "handler failed",
                    extra={"fields": {"event_id": event.id, "type": event.type, "attempt": attempt}},
                    exc_info=True,
                )
                error = f"{type(exc).__name__}: {exc}"
                if attempt < self.max_attempts:
                    await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        return f"gave up after {self.max_attempts} attempts: {error}"

    async def dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        dlq = record.topic + ".dlq"
        headers: Headers = [
            *(record.headers or ()),
            ("dlq_error", error.encode()),
            ("dlq_topic", record.topic.encode()),
            ("dlq_partition", str(record.partition).encode()),
            ("dlq_offset", str(record.offset).encode()),
        ]
        await self.producer.send_and_wait(dlq, value=record.value, key=record.key, headers=headers)
        EVENTS_DEAD_LETTERED.labels(record.topic).inc()
        fields = {"topic": record.topic, "offset": record.offset, "error": error}
        log.error("message dead-lettered", extra={"fields": fields})


def header(record: ConsumerRecord[bytes, bytes], name: str) -> bytes | None:
    """The value of the record's header of that name, if it has one."""
    return next((value for key, value in record.headers or () if key == name), None)


def _short(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]
