"""The at-least-once consumer against the real Kafka and MongoDB-compatible server."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import RecordMetadata
from pymongo import AsyncMongoClient

from contract.events.needs import NeedPosted, NeedPostedData
from contract.taxonomy import Category
from devkit.testing import read_topic, send_raw, wait_consumed
from runtime.config import ServiceSettings
from runtime.kafka import (
    Batched,
    EventConsumer,
    Handler,
    Idempotent,
    Wanted,
    create_consumer,
    create_producer,
    encode,
    ensure_topics,
)
from runtime.mongo import Document, MongoProcessedEvents

pytestmark = pytest.mark.stack


def _need_posted(title: str) -> NeedPosted:
    data = NeedPostedData(
        need_id=uuid.uuid4().hex,
        organization_id="o" * 32,
        title=title,
        category=Category.LEGAL_AID,
        area_code="350102001001",
        quantity=1,
    )
    return NeedPosted(source="/tests", subject=data.need_id, data=data)


async def consume(
    settings: ServiceSettings,
    mongo: AsyncMongoClient[Document],
    topic: str,
    handle: Handler,
    *,
    until_past: list[RecordMetadata],
    keep_database: bool = False,
    wanted: Wanted | None = None,
    watch: Callable[[AIOKafkaConsumer], None] = lambda _: None,
) -> None:
    """Runs a consumer of `need.posted` on the topic until its group has committed past
    `until_past`; `watch` is shown its Kafka consumer first."""
    producer = create_producer(settings)
    await producer.start()
    consumer = EventConsumer(
        create_consumer(settings, [topic]),
        producer,
        {"need.posted": handle},
        MongoProcessedEvents(mongo[settings.database]),
        max_attempts=3,
        backoff_seconds=0.01,
        wanted=wanted,
    )
    watch(consumer.consumer)
    task = asyncio.create_task(consumer.run())
    try:
        await wait_consumed(settings.kafka_bootstrap_servers, settings.consumer_group, until_past)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await producer.stop()
        if not keep_database:
            await mongo.drop_database(settings.database)


class TestPoisonMessages:
    async def test_poison_goes_to_the_dlq_with_its_error_and_the_messages_behind_it_are_handled(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document]
    ) -> None:
        topic = settings.topic("needs.events")
        await ensure_topics(settings, [topic])
        first, failing, last = _need_posted("first"), _need_posted("always fails"), _need_posted("last")
        unknown = {**json.loads(first.model_dump_json()), "type": "need.teleported", "id": "x"}
        poison_and_good = [
            encode(first),
            (b"k", b"{not json", [("ce_type", b"member.joined")]),  # a type no handler takes: not read
            (b"k", b"{not json", []),
            (b"k", json.dumps(unknown).encode(), []),
            encode(failing),
            encode(last),
        ]
        # one key puts them all on one partition, in this order, behind each other
        sent = await send_raw(settings.kafka_bootstrap_servers, topic, [(b"k", v, h) for _, v, h in poison_and_good])

        handled: list[str] = []

        async def handle(event: NeedPosted) -> None:
            if event.data.title == "always fails":
                raise RuntimeError("the handler always fails on this one")
            handled.append(event.data.title)

        await consume(settings, mongo, topic, handle, until_past=sent)

        assert handled == ["first", "last"]
        dead = await read_topic(settings.kafka_bootstrap_servers, topic + ".dlq", until=lambda rs: len(rs) >= 3)
        errors = [dict(r.headers)["dlq_error"].decode() for r in dead]
        assert len(dead) == 3
        assert "not an event of the contract" in errors[0] and "json" in errors[0].lower()
        assert "need.teleported" in errors[1] or "tag" in errors[1]
        assert "gave up after 3 attempts" in errors[2] and "always fails" in errors[2]
        assert [r.value for r in dead] == [v for _, v, _ in poison_and_good[2:5]]
        assert dict(dead[2].headers)["ce_type"] == b"need.posted"  # the original headers travel along


class TestWanted:
    @pytest.mark.parametrize("now", [True, False], ids=["wanted: read", "not wanted now: passed over unparsed"])
    async def test_an_event_is_parsed_only_when_wanted(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document], now: bool
    ) -> None:
        topic = settings.topic("needs.events")
        await ensure_topics(settings, [topic])
        sent = await send_raw(
            settings.kafka_bootstrap_servers,
            topic,
            [(b"k", b"{not json", [("ce_type", b"need.posted")]), encode(_need_posted("posted"))],
        )
        asked: list[str] = []
        handled: list[str] = []

        async def wanted(event_type: str) -> bool:
            asked.append(event_type)
            return now

        async def handle(event: NeedPosted) -> None:
            handled.append(event.data.title)

        await consume(settings, mongo, topic, handle, until_past=sent, wanted=wanted)

        assert asked == ["need.posted", "need.posted"]
        assert handled == (["posted"] if now else [])
        dead = await records_in(settings, topic + ".dlq")
        assert dead == (1 if now else 0)  # the record that is no event was not even parsed when not wanted


async def records_in(settings: ServiceSettings, topic: str) -> int:
    """How many records the topic holds, over its partitions."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


class TestRedelivery:
    @pytest.mark.parametrize(
        ("idempotent", "runs", "remembered"),
        [(False, 1, 1), (True, 2, 0)],
        ids=["a handler runs once for an event delivered twice", "an idempotent one runs each time, no bookkeeping"],
    )
    async def test_an_event_delivered_twice(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document], idempotent: bool, runs: int, remembered: int
    ) -> None:
        topic = settings.topic("needs.events")
        await ensure_topics(settings, [topic])
        event = _need_posted("twice")
        sent = await send_raw(settings.kafka_bootstrap_servers, topic, [encode(event), encode(event)])
        handled: list[str] = []

        async def handle(event: NeedPosted) -> None:
            handled.append(event.id)

        processed = mongo[settings.database]["processed_events"]
        handler = Idempotent(handle) if idempotent else handle
        await consume(settings, mongo, topic, handler, until_past=sent, keep_database=True)
        assert handled == [event.id] * runs
        assert await processed.count_documents({}) == remembered
        await mongo.drop_database(settings.database)


class TestBatchedHandlers:
    async def test_a_partitions_run_comes_at_once_and_a_failing_run_again_one_by_one_its_poison_dead_lettered(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document]
    ) -> None:
        topic = settings.topic("needs.events")
        await ensure_topics(settings, [topic])
        first, failing, middle, last = (_need_posted(t) for t in ("first", "always fails", "middle", "last"))
        records = [encode(first), encode(failing), (b"k", b"{not json", []), encode(middle), encode(last)]
        # one key puts them all on one partition, in this order, before the consumer starts
        sent = await send_raw(settings.kafka_bootstrap_servers, topic, [(b"k", v, h) for _, v, h in records])
        calls: list[list[str]] = []
        handled: list[str] = []

        async def handle(events: Sequence[NeedPosted]) -> None:
            titles = [e.data.title for e in events]
            calls.append(titles)
            if "always fails" in titles:
                raise RuntimeError("the handler always fails on this one")
            handled.extend(titles)

        await consume(settings, mongo, topic, Batched(handle), until_past=sent)

        assert handled == ["first", "middle", "last"]
        assert max(len(call) for call in calls) > 1  # handed over as a run, not one by one
        assert calls.count(["always fails"]) == 3  # alone, with the retries of any event
        dead = await read_topic(settings.kafka_bootstrap_servers, topic + ".dlq", until=lambda rs: len(rs) >= 2)
        assert sorted(r.value for r in dead) == sorted([records[1][1], b"{not json"])


class TestCommits:
    async def test_reads_that_come_one_after_the_other_are_committed_together_once_handled(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document]
    ) -> None:
        """Not a commit request a read and a partition (the broker's group coordinator was busy
        with them); still every offset handled committed, at once when the topic has no more."""
        topic = settings.topic("needs.events")
        await ensure_topics(settings, [topic])
        sent = await send_raw(
            settings.kafka_bootstrap_servers, topic, [encode(_need_posted(f"need {n}")) for n in range(600)]
        )
        assert len({r.partition for r in sent}) > 1
        handled: list[str] = []

        async def handle(event: NeedPosted) -> None:
            handled.append(event.data.title)

        commits: list[dict[TopicPartition, int]] = []
        reads: list[int] = []  # the partitions of each read that brought records

        def watch(kafka: AIOKafkaConsumer) -> None:
            commit, getmany = kafka.commit, kafka.getmany

            async def counted(offsets: dict[TopicPartition, int]) -> None:
                commits.append(dict(offsets))
                await commit(offsets)

            async def read(*partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None) -> Any:
                batches = await getmany(*partitions, timeout_ms=timeout_ms, max_records=max_records)
                if batches:
                    reads.append(len(batches))
                return batches

            kafka.commit = counted
            kafka.getmany = read

        await consume(settings, mongo, topic, Idempotent(handle), until_past=sent, watch=watch)

        assert len(handled) == 600
        assert len(reads) >= 3  # of 200 records at most, on more than one partition
        assert len(commits) < len(reads), (commits, reads)  # not a commit a read (nor a read and a partition)
