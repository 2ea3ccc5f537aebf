"""Settings of a throwaway service for each test: its own database and topics on the real stack."""

from __future__ import annotations

import uuid

import pytest

from runtime.config import ServiceSettings


@pytest.fixture
def settings(infra: tuple[str, str]) -> ServiceSettings:
    run = uuid.uuid4().hex[:8]
    return ServiceSettings(
        service_name=f"test-{run}",
        http_port=0,
        kafka_bootstrap_servers=infra[0],
        mongo_url=infra[1],
        mongo_db=f"test_{run}",
        topic_prefix=f"t{run}.",
        consumer_backoff_seconds=0.01,
    )
