"""What the points service remembers of each need (its category, title, area and time window), from
`need.posted`, to weigh a completed claim on it."""

from __future__ import annotations

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


class MongoNeedRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def remember(self, need: KnownNeed) -> None:
        await self.collection.replace_one({"_id": need.id}, need.model_dump(exclude={"id"}), upsert=True)

    async def get(self, need_id: str) -> KnownNeed | None:
        found = await self.collection.find_one({"_id": need_id})
        return None if found is None else _need(found)

    async def remember_many(self, needs: Sequence[KnownNeed]) -> None:
        """One unordered insert: a need remembered already is the same need (`need.posted` comes once
        for each, again only when redelivered), so it is left as it is."""
        if needs:
            await insert_new(self.collection, [{"_id": n.id, **n.model_dump(exclude={"id"})} for n in needs])

    async def get_many(self, need_ids: Collection[str]) -> dict[str, KnownNeed]:
        if not need_ids:
            return {}
        return {d["_id"]: _need(d) async for d in self.collection.find({"_id": {"$in": list(need_ids)}})}


def _need(document: Document) -> KnownNeed:
    return KnownNeed.model_validate({**document, "id": document["_id"]})
