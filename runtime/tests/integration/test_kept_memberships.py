"""The memberships a process keeps in memory, read from the real Kafka's topics: from their
beginning, or from a snapshot and on from its offsets."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete

from contract.events import MEMBERS_TOPIC, ORGANIZATIONS_TOPIC, Envelope
from devkit.testing import member_joined as joined
from devkit.testing import member_left as left
from runtime.config import ServiceSettings
from runtime.kafka import create_producer, encode, ensure_topics
from runtime.memberships import KeptMemberships
from runtime.replica import SnapshotFile

pytestmark = pytest.mark.stack


async def send(settings: ServiceSettings, topic: str, events: Sequence[Envelope]) -> None:
    producer = create_producer(settings)
    await producer.start()
    try:
        for event in events:
            key, value, headers = encode(event)
            await producer.send_and_wait(settings.topic(topic), value=value, key=key, headers=headers)
    finally:
        await producer.stop()


def snapshot(tmp_path: Path) -> SnapshotFile:
    return SnapshotFile(tmp_path / "memberships.snapshot", "test memberships")


async def test_the_members_events_of_before_the_members_topic_are_read_first(settings: ServiceSettings) -> None:
    """Those on the organisations' topic are all older: a departure on the members' topic ends a
    join published on the organisations' one, whichever partitions they are on."""
    await ensure_topics(settings, [settings.topic(ORGANIZATIONS_TOPIC), settings.topic(MEMBERS_TOPIC)])
    await send(settings, ORGANIZATIONS_TOPIC, [joined(f"m{n}", "o1") for n in range(20)] + [joined("old", "o2")])
    await send(settings, MEMBERS_TOPIC, [left(f"m{n}", "o1") for n in range(20)] + [joined("new", "o1")])

    kept = KeptMemberships(settings, None, every=60)
    memberships = await kept.open()

    assert await memberships.members_of(None) == {"old": ["o2"], "new": ["o1"]}
    assert not kept.restored


async def test_a_process_starts_again_from_its_snapshot_and_reads_on(settings: ServiceSettings, tmp_path: Path) -> None:
    await ensure_topics(settings, [settings.topic(ORGANIZATIONS_TOPIC), settings.topic(MEMBERS_TOPIC)])
    await send(settings, MEMBERS_TOPIC, [joined("m1", "o1"), joined("m2", "o1")])
    first = KeptMemberships(settings, snapshot(tmp_path), every=60)
    memberships = await first.open()
    running = asyncio.create_task(first.run())
    await send(settings, MEMBERS_TOPIC, [joined("m3", "o2")])  # read while it runs
    async with asyncio.timeout(20):
        while not memberships.has("o2", "m3"):  # noqa: ASYNC110  # nothing says when it was read
            await asyncio.sleep(0.05)
    running.cancel()  # the process stopping: the snapshot is written
    await asyncio.gather(running, return_exceptions=True)
    assert snapshot(tmp_path).load() is not None
    await send(settings, MEMBERS_TOPIC, [left("m1", "o1")])  # after the snapshot

    again = KeptMemberships(settings, snapshot(tmp_path), every=60)
    restored = await again.open()

    assert again.restored
    assert await restored.members_of(None) == {"m2": ["o1"], "m3": ["o2"]}


async def test_a_corrupt_snapshot_is_passed_over_for_the_topics(settings: ServiceSettings, tmp_path: Path) -> None:
    await ensure_topics(settings, [settings.topic(ORGANIZATIONS_TOPIC), settings.topic(MEMBERS_TOPIC)])
    await send(settings, MEMBERS_TOPIC, [joined("m1", "o1")])
    first = KeptMemberships(settings, snapshot(tmp_path), every=60)
    await first.open()
    running = asyncio.create_task(first.run())
    await asyncio.sleep(0.5)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    file = tmp_path / "memberships.snapshot"
    file.write_bytes(file.read_bytes()[:-10] + b"0123456789")

    again = KeptMemberships(settings, snapshot(tmp_path), every=60)
    memberships = await again.open()

    assert not again.restored
    assert await memberships.members_of(None) == {"m1": ["o1"]}


async def test_a_topic_emptied_before_its_end_is_read_at_once(settings: ServiceSettings) -> None:
    """Records deleted (by retention, say) leave the partition's first offset past 0: nothing to read."""
    await ensure_topics(settings, [settings.topic(ORGANIZATIONS_TOPIC), settings.topic(MEMBERS_TOPIC)])
    await send(settings, MEMBERS_TOPIC, [joined(f"m{n}", "o1") for n in range(30)])
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        partitions = [TopicPartition(settings.topic(MEMBERS_TOPIC), n) for n in range(settings.topic_partitions)]
        ends = await consumer.end_offsets(partitions)
        await admin.delete_records({tp: RecordsToDelete(end) for tp, end in ends.items() if end})
    finally:
        await consumer.stop()
        await admin.close()

    async with asyncio.timeout(20):
        memberships = await KeptMemberships(settings, None, every=60).open()

    assert await memberships.members_of(None) == {}
