"""MongoDB through PyMongo's async API, limited to what FerretDB 1.24 also does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from runtime.config import ServiceSettings

Document = dict[str, Any]


def create_client(settings: ServiceSettings, *, pool: int | None = None) -> AsyncMongoClient[Document]:
    """Connects lazily: nothing is sent before the first command. `pool`: connections at most
    (the settings' `mongo_max_pool_size` unless given)."""
    return AsyncMongoClient(
        settings.mongo_url,
        tz_aware=True,
        serverSelectionTimeoutMS=5000,
        maxPoolSize=pool or settings.mongo_max_pool_size,
    )


class MongoProcessedEvents:
    """Event ids this service has handled, one document each (`_id` is the event id)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["processed_events"]

    async def seen(self, event_id: str) -> bool:
        return await self.collection.find_one({"_id": event_id}, {"_id": 1}) is not None

    async def remember(self, event_id: str) -> None:
        with contextlib.suppress(DuplicateKeyError):  # handled twice: the handler is idempotent
            await self.collection.insert_one({"_id": event_id})


AT_ONCE = 16  # documents read or written at once, one request each (a process has 32 connections)
V = TypeVar("V")
T = TypeVar("T")


async def at_once(values: Sequence[V], call: Callable[[V], Awaitable[T]]) -> list[T]:
    """`call` of each value, `AT_ONCE` in flight, the answers in the values' order. FerretDB
    answers `_id` and equality lookups from its indexes, where it scans for `$in`: many lookups
    are made one a value. The first refusal in the values' order is raised once its `AT_ONCE`
    have ended."""
    answers: list[T] = []
    for start in range(0, len(values), AT_ONCE):
        chunk = await asyncio.gather(*(call(v) for v in values[start : start + AT_ONCE]), return_exceptions=True)
        for answer in chunk:
            if isinstance(answer, BaseException):
                raise answer
            answers.append(answer)
    return answers


_locks: dict[str, tuple[asyncio.Lock, int]] = {}  # per document: its lock and how many hold or wait for it


@asynccontextmanager
async def document_lock(collection: AsyncCollection[Document], document_id: str) -> AsyncIterator[None]:
    """Serialises this process's updates of one document.

    FerretDB 1.24 applies an update as read, change, write back, without guarding against a
    concurrent update of the same document: of 100 concurrent `$inc`, 30 counted, and a
    conditional update had several winners (docs/storage.md). MongoDB makes every
    single-document update atomic; on FerretDB, this lock does it within one process.
    """
    key = f"{collection.full_name}/{document_id}"
    lock, users = _locks.get(key, (asyncio.Lock(), 0))
    _locks[key] = (lock, users + 1)
    try:
        async with lock:
            yield
    finally:
        lock, users = _locks[key]
        if users == 1:
            del _locks[key]
        else:
            _locks[key] = (lock, users - 1)


DUPLICATE_KEY = 11000


async def insert_new(collection: AsyncCollection[Document], documents: list[Document]) -> set[int]:
    """Inserts the documents in any order; answers the positions of those whose id was taken
    already (they are left as they are). Any other refusal is raised."""
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        if any(e["code"] != DUPLICATE_KEY for e in exc.details["writeErrors"]):
            raise
        return {e["index"] for e in exc.details["writeErrors"]}
    return set()


async def put_all(collection: AsyncCollection[Document], documents: list[Document]) -> None:
    """Stores each document's fields as an upsert with `$set` would, in fewer writes: those not
    stored yet in one insert, an update each for the others. (On FerretDB an upsert is a read and
    a write: a consumer that learnt the city's 11,387 venues and services so made 11,387 of each.)"""
    if not documents:
        return
    for at in sorted(await insert_new(collection, documents)):
        fields = {name: value for name, value in documents[at].items() if name != "_id"}
        await collection.update_one({"_id": documents[at]["_id"]}, {"$set": fields})
