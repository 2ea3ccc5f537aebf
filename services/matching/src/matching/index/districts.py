"""The group that shares the city's districts among matching's instances (`matching.index.share`).

An instance is a member of the consumer group `matching.districts` on the needs topic for the
assignment alone: its partitions stay paused (every instance reads every event through the
index's feed), and each assignment says which districts it now matches in."""

from __future__ import annotations

import logging

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from matching.index.service import IndexProjection
from runtime.config import ServiceSettings

log = logging.getLogger(__name__)
GROUP = "matching.districts"


class Districts(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka's listener has no types
    """This instance's membership of the districts' group, handing each assignment to the index."""

    def __init__(
        self, settings: ServiceSettings, topic: str, projection: IndexProjection, *, session_seconds: float
    ) -> None:
        self.topic = settings.topic(topic)
        self.projection = projection
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            group_id=settings.topic_prefix + GROUP,
            client_id=f"{settings.service_name}-districts",
            enable_auto_commit=False,
            session_timeout_ms=int(session_seconds * 1000),
            heartbeat_interval_ms=int(session_seconds * 1000 / 4),
        )
        self.assignments = 0

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.projection.reassign(())  # none, until the group says again: never two instances at once

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        owned = sorted(tp.partition for tp in assigned)
        gained = self.projection.reassign(owned)
        self.assignments += 1
        fields = {"partitions": owned, "of": self.projection.share.partitions, "needs_taken_in": gained}
        log.info("districts assigned", extra={"fields": fields})

    async def run(self) -> None:
        """A member of the group until cancelled (then it leaves it, and the others share its districts)."""
        self.consumer.subscribe([self.topic], listener=self)
        await self.consumer.start()
        try:
            while True:
                self.consumer.pause(*self.consumer.assignment())  # the assignment is wanted, not the records
                await self.consumer.getmany(timeout_ms=1000)
        finally:
            await self.consumer.stop()
