"""Where the rule versions are kept: one document each, its version as `_id`, never changed."""

from __future__ import annotations

from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from points.rules.models import RuleSet
from runtime.mongo import Document


class RuleRepository(Protocol):
    async def latest(self) -> RuleSet | None: ...

    async def add(self, rules: RuleSet) -> bool:
        """Stores a new version; False when that version is stored already."""
        ...


class MongoRuleRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def latest(self) -> RuleSet | None:
        found = await self.collection.find_one({}, sort=[("_id", -1)])
        return None if found is None else RuleSet.model_validate({**found, "version": found["_id"]})

    async def add(self, rules: RuleSet) -> bool:
        try:
            await self.collection.insert_one(
                {"_id": rules.version, **rules.model_dump(mode="json", exclude={"version"})}
            )
        except DuplicateKeyError:
            return False
        return True
