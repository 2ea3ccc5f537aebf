"""The single-document outbox against the real MongoDB-compatible server and Kafka."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from contract.aggregates import Aggregate, Versioned
from contract.events import Envelope
from contract.events.needs import NeedPosted, NeedPostedData
from contract.taxonomy import Category
from devkit.testing import read_topic
from runtime import outbox
from runtime.config import ServiceSettings
from runtime.kafka import Message, create_producer, ensure_topics, publish
from runtime.mongo import Document
from runtime.outbox import OutboxRelay, ensure_outbox_index, in_group, open_group, push_events, with_events
from runtime.repository import MongoRepository

pytestmark = pytest.mark.stack


def _event(need_id: str, title: str) -> NeedPosted:
    data = NeedPostedData(
        need_id=need_id,
        organization_id="o" * 32,
        title=title,
        category=Category.VENUE,
        area_code="350102001001",
        quantity=1,
    )
    return NeedPosted(source="/tests", subject=need_id, data=data)


async def relayed(
    settings: ServiceSettings, mongo: AsyncMongoClient[Document], name: str
) -> tuple[str, AsyncCollection[Document]]:
    """The topic and the collection of `name`'s events, ready for a relay."""
    topic = settings.topic(f"{name}.events")
    await ensure_topics(settings, [topic])
    collection = mongo[settings.database][name]
    await ensure_outbox_index(collection)
    return topic, collection


@pytest.fixture
async def producer(settings: ServiceSettings) -> AsyncIterator[AIOKafkaProducer]:
    producer = create_producer(settings)
    await producer.start()
    yield producer
    await producer.stop()


class TestRelay:
    async def test_events_are_published_in_order_then_cleared_and_none_is_lost_meanwhile(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document], producer: AIOKafkaProducer
    ) -> None:
        topic, collection = await relayed(settings, mongo, "needs")
        relay = OutboxRelay([collection], producer, lambda _: topic)
        try:
            await collection.insert_one(with_events({"_id": "n1"}, [_event("n1", "first"), _event("n1", "second")]))
            stale = await collection.find_one({"_id": "n1"})
            assert stale is not None
            # a third event lands after the relay read the document and before it clears it
            await collection.update_one({"_id": "n1"}, push_events({"$set": {"x": 1}}, [_event("n1", "third")]))
            await relay._relay(collection, [stale])

            after_first_pass = await collection.find_one({"_id": "n1"})
            assert after_first_pass is not None
            assert [json.loads(e["json"])["data"]["title"] for e in after_first_pass["outbox"]] == ["third"]
            assert after_first_pass["outbox_pending"]

            assert await relay.relay_once() == 1
            cleared = await collection.find_one({"_id": "n1"})
            assert cleared is not None and cleared["outbox"] == [] and not cleared["outbox_pending"]
            assert await relay.relay_once() == 0
        finally:
            await mongo.drop_database(settings.database)

        records = await read_topic(settings.kafka_bootstrap_servers, topic, until=lambda rs: len(rs) >= 3)
        assert [json.loads(r.value)["data"]["title"] for r in records] == ["first", "second", "third"]
        assert {r.key for r in records} == {b"n1"}

    async def test_a_pass_publishes_its_documents_events_at_once_each_documents_in_order(
        self,
        settings: ServiceSettings,
        mongo: AsyncMongoClient[Document],
        producer: AIOKafkaProducer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        topic, collection = await relayed(settings, mongo, "needs")
        relay = OutboxRelay([collection], producer, lambda _: topic)
        published: list[int] = []

        async def counted(producer: AIOKafkaProducer, topic_of: Callable[[str], str], messages: list[Message]) -> None:
            published.append(len(messages))
            await publish(producer, topic_of, messages)

        monkeypatch.setattr(outbox, "publish", counted)
        documents = 40
        try:
            await collection.insert_many(
                [
                    with_events({"_id": f"n{i}"}, [_event(f"n{i}", f"{i} a"), _event(f"n{i}", f"{i} b")])
                    for i in range(documents)
                ]
            )
            assert await relay.relay_once() == documents
            assert published == [2 * documents]  # one wait for the broker, not one a document
            assert await collection.count_documents({"outbox_pending": True}) == 0
            assert await collection.count_documents({"outbox": []}) == documents
        finally:
            await mongo.drop_database(settings.database)

        records = await read_topic(settings.kafka_bootstrap_servers, topic, until=lambda rs: len(rs) >= 2 * documents)
        titles: dict[bytes, list[str]] = {}
        for record in records:
            titles.setdefault(record.key, []).append(json.loads(record.value)["data"]["title"])
        assert titles == {f"n{i}".encode(): [f"{i} a", f"{i} b"] for i in range(documents)}


class Thing(Aggregate):
    name: str


class TestGroups:
    async def test_a_bulk_write_is_published_at_once_and_an_abandoned_one_from_its_documents(
        self, settings: ServiceSettings, mongo: AsyncMongoClient[Document], producer: AIOKafkaProducer
    ) -> None:
        topic, things = await relayed(settings, mongo, "things")
        db = mongo[settings.database]
        relay = OutboxRelay([things], producer, lambda _: topic, groups=db["outbox_groups"])
        repo: MongoRepository[Thing] = MongoRepository(things, on_events=lambda: None, relay=relay)
        repo.model = Thing
        try:
            rows = [(Thing(id=f"t{i}", name=str(i)), [_event(f"t{i}", f"bulk {i}")]) for i in range(3)]
            assert await repo.insert_many(rows, group="g1") == 3
            assert await repo.insert_many(rows, group="g2") == 0  # stored already: nothing published again
            # a writer that died after writing one document of its group of two, long ago
            events = {"s1": [_event("s1", "stuck 1")], "s2": [_event("s2", "never written")]}
            await open_group(db["outbox_groups"], "stuck", "things", events)
            await db["outbox_groups"].update_one(
                {"_id": "stuck"}, {"$set": {"opened_at": datetime(2020, 1, 1, tzinfo=UTC)}}
            )
            await things.insert_one(in_group({"_id": "s1", "name": "s"}, "stuck"))

            assert await relay.relay_once() == 1
            await repo.update(Thing(id="t1", name="changed"), [_event("t1", "after")])  # by itself, not again
            assert await relay.relay_once() == 1
            assert await relay.relay_once() == 0
            groups = {g["_id"]: (g["pending"], "events" in g) for g in await db["outbox_groups"].find().to_list()}
            assert groups == {"g1": (False, False), "g2": (False, False), "stuck": (False, False)}  # events let go
        finally:
            await mongo.drop_database(settings.database)

        records = await read_topic(settings.kafka_bootstrap_servers, topic, until=lambda rs: len(rs) >= 6, within=8)
        titles = sorted(json.loads(r.value)["data"]["title"] for r in records)
        assert titles == ["after", "bulk 0", "bulk 1", "bulk 2", "stuck 1"]


class Counted(Versioned):
    pass


class Counteds(MongoRepository[Counted]):
    model = Counted


@pytest.fixture
async def repo(settings: ServiceSettings, mongo: AsyncMongoClient[Document]) -> AsyncIterator[Counteds]:
    yield Counteds(mongo[settings.database]["counted"], on_events=lambda: None)
    await mongo.drop_database(settings.database)


class TestConcurrentUpdates:
    async def test_concurrent_updates_of_one_document_all_land_and_one_conditional_update_wins(
        self, repo: Counteds
    ) -> None:
        await repo.add(Counted(id="c"), [])
        await asyncio.gather(*(repo.update(Counted(id="c"), [_event("c", f"e{i}")]) for i in range(40)))
        stored = await repo.collection.find_one({"_id": "c"})
        assert stored is not None and len(stored["outbox"]) == 40

        wins = await asyncio.gather(*(repo.update(Counted(id="c", version=2), expected_version=1) for _ in range(40)))
        assert wins.count(True) == 1

    async def test_a_change_from_a_stale_copy_reads_again_and_decides_on_what_is_stored(self, repo: Counteds) -> None:
        seen: list[int] = []

        def bump(counted: Counted) -> list[Envelope]:
            seen.append(counted.version)
            return [_event(counted.id, f"v{counted.version}")]

        await repo.add(Counted(id="c"), [])
        stale = Counted(id="c")  # version 1, as a read model might still hold it
        await repo.change("c", bump)  # elsewhere: now version 2
        changed, _ = await repo.change("c", bump, cached=stale)

        assert seen == [2, 2, 3]  # decided on the stale copy, refused by the store, decided again
        assert changed.version == 3
        stored = await repo.collection.find_one({"_id": "c"})
        assert stored is not None and stored["version"] == 3 and len(stored["outbox"]) == 2
