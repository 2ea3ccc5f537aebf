"""The topics the services create, on the real Kafka."""

from __future__ import annotations

import pytest
from aiokafka.admin import AIOKafkaAdminClient
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
