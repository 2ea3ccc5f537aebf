"""What the points service remembers of each need (its category, title, area and time window), from
`need.posted`, to weigh a completed claim on it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection

from contract.taxonomy import Category
from runtime.mongo import Document


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
        return None if found is None else KnownNeed.model_validate({**found, "id": found["_id"]})
