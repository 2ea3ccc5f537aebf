"""Where the time bank keeps its asks, grants and each community's allowed overdraft: one
document each. The minutes themselves are only ever in the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from points.timebank.models import Ask, AskStatus, Grant
from runtime.mongo import Document
from runtime.repository import readable


class TimebankRepository(Protocol):
    async def insert_ask(self, ask: Ask) -> None: ...

    async def save_ask(self, ask: Ask, *, was: AskStatus) -> bool:
        """Stores the ask's new state when it still is `was`; False when it no longer is."""
        ...

    async def ask(self, ask_id: str) -> Ask | None: ...

    async def forget_ask(self, ask_id: str) -> None:
        """An ask whose minutes could not be held, removed while it is still holding."""
        ...

    async def holding(self, before: datetime) -> list[Ask]:
        """Asks left holding since before `before`: a crash stopped them between their steps."""
        ...

    async def asks(self, *, status: AskStatus | None, area_prefix: str | None, limit: int) -> list[Ask]:
        """Asks, the latest first, of a status and of communities beginning with `area_prefix`."""
        ...

    async def asks_of(self, account: str, limit: int) -> list[Ask]:
        """The asks `account` made or took, the latest first."""
        ...

    async def insert_grant(self, grant: Grant) -> None: ...

    async def grants(self, area_prefix: str, limit: int) -> list[Grant]: ...

    async def overdraft(self, area_code: str) -> int:
        """The minutes below zero the community lets its people go (0 unless set)."""
        ...

    async def set_overdraft(self, area_code: str, minutes: int) -> None: ...


class MongoTimebankRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.asks_collection: AsyncCollection[Document] = db["timebank_asks"]
        self.grants_collection: AsyncCollection[Document] = db["timebank_grants"]
        self.areas: AsyncCollection[Document] = db["timebank_areas"]

    async def ensure_indexes(self) -> None:
        await self.asks_collection.create_index([("status", 1), ("area_code", 1), ("asked_at", -1)])
        await self.asks_collection.create_index([("asker", 1), ("asked_at", -1)])
        await self.asks_collection.create_index([("taker", 1), ("asked_at", -1)])
        await self.grants_collection.create_index([("area_code", 1), ("at", -1)])

    async def insert_ask(self, ask: Ask) -> None:
        await self.asks_collection.insert_one({"_id": ask.id, **ask.model_dump(mode="python", exclude={"id"})})

    async def save_ask(self, ask: Ask, *, was: AskStatus) -> bool:
        fields = ask.model_dump(mode="python", exclude={"id"})
        done = await self.asks_collection.update_one({"_id": ask.id, "status": was.value}, {"$set": fields})
        return done.modified_count == 1

    async def ask(self, ask_id: str) -> Ask | None:
        found = await self.asks_collection.find_one({"_id": ask_id})
        return None if found is None else readable(self.asks_collection.name, found, _ask)

    async def forget_ask(self, ask_id: str) -> None:
        await self.asks_collection.delete_one({"_id": ask_id, "status": AskStatus.HOLDING.value})

    async def holding(self, before: datetime) -> list[Ask]:
        return await self._asks({"status": AskStatus.HOLDING.value, "asked_at": {"$lt": before}}, 1000)

    async def asks(self, *, status: AskStatus | None, area_prefix: str | None, limit: int) -> list[Ask]:
        where: dict[str, Any] = {}
        if status is not None:
            where["status"] = status.value
        if area_prefix:
            where["area_code"] = {"$gte": area_prefix, "$lt": area_prefix + "~"}
        return await self._asks(where, limit)

    async def asks_of(self, account: str, limit: int) -> list[Ask]:
        where = {"$or": [{"asker": account}, {"taker": account}], "status": {"$ne": AskStatus.HOLDING.value}}
        return await self._asks(where, limit)

    async def _asks(self, where: dict[str, Any], limit: int) -> list[Ask]:
        cursor = self.asks_collection.find(where).sort([("asked_at", -1), ("_id", -1)]).limit(limit)
        found = [readable(self.asks_collection.name, d, _ask) async for d in cursor]
        return [ask for ask in found if ask is not None]

    async def insert_grant(self, grant: Grant) -> None:
        await self.grants_collection.insert_one({"_id": grant.id, **grant.model_dump(mode="python", exclude={"id"})})

    async def grants(self, area_prefix: str, limit: int) -> list[Grant]:
        where = {"area_code": {"$gte": area_prefix, "$lt": area_prefix + "~"}}
        cursor = self.grants_collection.find(where).sort([("at", -1), ("_id", -1)]).limit(limit)
        found = [readable(self.grants_collection.name, d, _grant) async for d in cursor]
        return [grant for grant in found if grant is not None]

    async def overdraft(self, area_code: str) -> int:
        found = await self.areas.find_one({"_id": area_code})
        return int(found.get("overdraft", 0)) if found else 0

    async def set_overdraft(self, area_code: str, minutes: int) -> None:
        await self.areas.update_one({"_id": area_code}, {"$set": {"overdraft": minutes}}, upsert=True)


def _ask(document: Document) -> Ask:
    return Ask.model_validate({**document, "id": document["_id"]})


def _grant(document: Document) -> Grant:
    return Grant.model_validate({**document, "id": document["_id"]})
