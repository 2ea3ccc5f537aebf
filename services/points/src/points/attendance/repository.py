"""Where the activities and claims learnt of, and the attendances, are kept (MongoDB)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from points.attendance.models import Attendance, Attended
from runtime.mongo import AT_ONCE, Document
from runtime.repository import MongoRepository, readable


class AttendedRepository(Protocol):
    async def learn(self, attended: Attended) -> None:
        """Keeps `attended`, unless what is kept of it is of a later version (events of an
        activity may come twice, or late)."""
        ...

    async def remember(self, attended: Attended) -> None:
        """Keeps `attended` unless it is kept already (a claim made, heard again)."""
        ...

    async def set_status(self, keys: Sequence[str], status: str) -> None:
        """Sets the status of those of `keys` that are kept (one never made here is not)."""
        ...

    async def get(self, key: str) -> Attended | None: ...


class MongoAttendedRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def learn(self, attended: Attended) -> None:
        fields = attended.model_dump(exclude={"id"})
        with contextlib.suppress(DuplicateKeyError):  # a later version is kept already
            await self.collection.update_one(
                {"_id": attended.id, "version": {"$lte": attended.version}}, {"$set": fields}, upsert=True
            )

    async def remember(self, attended: Attended) -> None:
        fields = attended.model_dump(exclude={"id"})
        await self.collection.update_one({"_id": attended.id}, {"$setOnInsert": fields}, upsert=True)

    async def set_status(self, keys: Sequence[str], status: str) -> None:
        """A few by `_id` each; more in one update. (FerretDB answers `$in` by reading every
        document: once for a run of 1,000 claims beats 1,000 lookups.)"""
        if len(keys) <= AT_ONCE:
            await asyncio.gather(*(self.collection.update_one({"_id": k}, {"$set": {"status": status}}) for k in keys))
        else:
            await self.collection.update_many({"_id": {"$in": list(keys)}}, {"$set": {"status": status}})

    async def get(self, key: str) -> Attended | None:
        found = await self.collection.find_one({"_id": key})
        if found is None:
            return None
        return readable(self.collection.name, found, lambda d: Attended.model_validate({**d, "id": d["_id"]}))


class AttendanceRepository(MongoRepository[Attendance]):
    model = Attendance

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("kind", 1), ("attended_id", 1)])

    async def of(self, kind: str, attended_id: str, limit: int = 1000) -> list[Attendance]:
        """The attendances at one activity or claim (its first `limit`)."""
        return await self.page(after=None, limit=limit, where={"kind": kind, "attended_id": attended_id})
