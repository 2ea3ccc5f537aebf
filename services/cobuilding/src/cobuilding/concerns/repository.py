"""Where concerns are kept, each with its area's levels (`areas`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from cobuilding.areas import area_fields
from cobuilding.concerns.models import Concern
from contract.events import Envelope
from contract.events.cobuilding import ConcernLevel, ConcernStatus
from runtime.mongo import Document
from runtime.repository import MongoRepository


class ConcernRepository(Protocol):
    async def add(self, concern: Concern, events: Sequence[Envelope]) -> None: ...

    async def get(self, concern_id: str) -> Concern | None: ...

    async def change(
        self, concern_id: str, decide: Callable[[Concern], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Concern, list[Envelope]]: ...

    async def page_kept(
        self,
        keep: Callable[[Concern], bool],
        *,
        after: str | None,
        limit: int,
        where: Mapping[str, Any] | None = None,
    ) -> list[Concern]: ...

    async def overdue(self, moment: datetime) -> list[str]: ...


class MongoConcernRepository(MongoRepository[Concern]):
    model = Concern

    async def ensure_indexes(self) -> None:
        for key in ("resident_id", "community", "street", "district", "status"):
            await self.collection.create_index(key)

    def _document(self, aggregate: Concern) -> Document:
        return aggregate.model_dump(exclude={"id"}) | area_fields(aggregate.area_code)

    async def overdue(self, moment: datetime) -> list[str]:
        """The ids of concerns still waiting for a reply past their time, below the district (the last level)."""
        waiting = {"status": ConcernStatus.WAITING.value, "level": {"$ne": ConcernLevel.DISTRICT.value}}
        cursor = self.collection.find(waiting | {"due_at": {"$lt": moment}}, {"_id": 1})
        return [doc["_id"] async for doc in cursor]
