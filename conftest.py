"""Session-wide fixtures: one shared stack for every test that needs the real parts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from pymongo import AsyncMongoClient

from shared.mongo import Document
from shared.testing import TestStack, ensure_infra

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def infra() -> tuple[str, str]:
    """(Kafka bootstrap servers, MongoDB URL): the real servers every integration test uses."""
    return ensure_infra()


@pytest.fixture(scope="session")
def stack(infra: tuple[str, str]) -> Iterator[TestStack]:
    """The five services as processes, once per session, with their own topics and databases."""
    kafka, mongo = infra
    stack = TestStack(kafka=kafka, mongo=mongo)
    try:
        stack.start(ARTIFACTS / "logs" / stack.prefix)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
async def mongo(infra: tuple[str, str]) -> AsyncIterator[AsyncMongoClient[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra[1], tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
