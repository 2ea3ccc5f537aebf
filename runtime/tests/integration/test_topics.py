"""The topics the services create, on the real Kafka."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from runtime.config import ServiceSettings
from runtime.kafka import ensure_topics

pytestmark = pytest.mark.stack


async def test_a_topic_and_its_dead_letters_keep_every_event_whatever_the_brokers_default(
    settings: ServiceSettings,
) -> None:
    """The read models, the memberships and matching's index replay the topics from their start."""
    topic = settings.topic("kept")
    await ensure_topics(settings, [topic])

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        asked = [ConfigResource(ConfigResourceType.TOPIC, name) for name in (topic, topic + ".dlq")]
        (described,) = await admin.describe_configs(asked)
    finally:
        await admin.close()
    retention = {
        resource[3]: {entry[0]: entry[1] for entry in resource[4]}["retention.ms"] for resource in described.resources
    }
    assert retention == {topic: "-1", topic + ".dlq": "-1"}


async def test_a_topic_made_before_with_the_brokers_retention_keeps_every_event_from_the_next_start(
    settings: ServiceSettings,
) -> None:
    topic = settings.topic("older")
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        await ensure_topics(settings, [topic])
        (described,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    (resource,) = described.resources
    assert {entry[0]: entry[1] for entry in resource[4]}["retention.ms"] == "-1"
