"""Where ratings are kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from contract.events import Envelope
from needs.evaluations.models import Evaluation, EvaluationStatus
from runtime.repository import MongoRepository


class EvaluationRepository(Protocol):
    async def add(self, evaluation: Evaluation, events: Sequence[Envelope]) -> None: ...

    async def insert_many(self, aggregates: Sequence[tuple[Evaluation, Sequence[Envelope]]], *, group: str) -> int:
        """Inserts those not stored yet; how many."""
        ...

    async def get(self, evaluation_id: str) -> Evaluation | None: ...

    async def change(
        self, evaluation_id: str, decide: Callable[[Evaluation], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Evaluation, list[Envelope]]: ...

    async def page_kept(
        self,
        keep: Callable[[Evaluation], bool],
        *,
        after: str | None,
        limit: int,
        where: Mapping[str, Any] | None = None,
    ) -> list[Evaluation]: ...

    async def latest(self, organization_id: str, *, limit: int) -> list[Evaluation]:
        """The organisation's given ratings, the newest first."""
        ...

    async def stars(self, organization_id: str) -> list[int]:
        """The stars of each of the organisation's given ratings."""
        ...


class MongoEvaluationRepository(MongoRepository[Evaluation]):
    model = Evaluation

    async def latest(self, organization_id: str, *, limit: int) -> list[Evaluation]:
        where = {"organization_id": organization_id, "status": EvaluationStatus.GIVEN.value}
        cursor = self.collection.find(where).sort("given_at", -1).limit(limit)
        return [self._load(document) async for document in cursor]

    async def stars(self, organization_id: str) -> list[int]:
        where = {"organization_id": organization_id, "status": EvaluationStatus.GIVEN.value}
        return [int(document["stars"]) async for document in self.collection.find(where, {"stars": 1})]
