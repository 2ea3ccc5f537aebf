"""What the points service remembers of each need (its category, title, area and time window), from
`need.posted`, to weigh a completed claim on it."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from datetime import datetime

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection

from contract.taxonomy import Category
from runtime.mongo import Document, insert_new


class KnownNeed(BaseModel):
    id: str
    category: Category
    title: str | None = None
    area_code: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        if self.starts_at is None or self.ends_at is None:
            return None
        return self.starts_at, self.ends_at


RECENT = 20_000  # needs kept in memory: a claim is often completed soon after its need was posted


class MongoNeedRepository:
    """The needs stored, the latest `RECENT` of them also in memory. Read by `_id` one at a
    time, several at once: FerretDB answers `{"_id": {"$in": [...]}}` by scanning the collection."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection
        self._recent: dict[str, KnownNeed] = {}

    async def remember(self, need: KnownNeed) -> None:
        await self.collection.replace_one({"_id": need.id}, need.model_dump(exclude={"id"}), upsert=True)
        self._keep(need)

    async def get(self, need_id: str) -> KnownNeed | None:
        if need_id in self._recent:
            return self._recent[need_id]
        found = await self.collection.find_one({"_id": need_id})
        return None if found is None else _need(found)

    async def remember_many(self, needs: Sequence[KnownNeed]) -> None:
        """One unordered insert: a need remembered already is the same need (`need.posted` comes once
        for each, again only when redelivered), so it is left as it is."""
        if needs:
            await insert_new(self.collection, [{"_id": n.id, **n.model_dump(exclude={"id"})} for n in needs])
            for need in needs:
                self._keep(need)

    async def get_many(self, need_ids: Collection[str]) -> dict[str, KnownNeed]:
        ids = list(need_ids)
        found = await asyncio.gather(*(self.get(need_id) for need_id in ids))
        return {need_id: need for need_id, need in zip(ids, found, strict=True) if need is not None}

    def _keep(self, need: KnownNeed) -> None:
        self._recent.pop(need.id, None)
        self._recent[need.id] = need
        if len(self._recent) > RECENT:
            del self._recent[next(iter(self._recent))]  # the oldest kept


def _need(document: Document) -> KnownNeed:
    return KnownNeed.model_validate({**document, "id": document["_id"]})
