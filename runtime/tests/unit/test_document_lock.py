"""The per-document lock that makes FerretDB's updates of one document atomic within a process."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from pymongo.asynchronous.collection import AsyncCollection

from runtime.mongo import _locks, document_lock


class Named:
    full_name = "db.needs"


async def test_one_holder_at_a_time_however_many_queue() -> None:
    collection = cast(AsyncCollection[Any], Named())
    inside, most = 0, 0

    async def critical(arrives: int) -> None:
        nonlocal inside, most
        for _ in range(arrives):  # some come while others hold the lock, some as it changes hands
            await asyncio.sleep(0)
        async with document_lock(collection, "need-1"):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0)
            inside -= 1

    await asyncio.gather(*(critical(i % 7) for i in range(200)))

    assert most == 1
    assert _locks == {}  # nothing kept once nobody holds or waits


async def test_different_documents_do_not_wait_for_each_other() -> None:
    collection = cast(AsyncCollection[Any], Named())
    async with document_lock(collection, "a"):
        await asyncio.wait_for(_enter(collection, "b"), 1)


async def _enter(collection: AsyncCollection[Any], document_id: str) -> None:
    async with document_lock(collection, document_id):
        pass
