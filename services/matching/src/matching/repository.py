"""Matching's own records: what it has learnt of needs and supply, and its proposals."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from matching.models import MatchIndex, OpenNeed, Proposal, Supply
from shared.events import Envelope
from shared.mongo import Document
from shared.repository import MongoRepository


class ProposalRepository(Protocol):
    async def add(self, proposal: Proposal, events: Sequence[Envelope]) -> None: ...

    async def get(self, proposal_id: str) -> Proposal | None: ...

    async def page(
        self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[Proposal]: ...


class MongoProposalRepository(MongoRepository[Proposal]):
    model = Proposal

    async def add(self, proposal: Proposal, events: Sequence[Envelope]) -> None:
        """Proposing a pair again (a redelivered event) changes nothing."""
        with contextlib.suppress(DuplicateKeyError):
            await super().add(proposal, events)


class IndexStore(Protocol):
    async def save_need(self, need: OpenNeed) -> None: ...

    async def save_supply(self, supply: Supply) -> None: ...


class MongoIndexStore:
    """The index's facts, so a restart rebuilds the same index."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.needs = db["open_needs"]
        self.supply = db["supply"]

    async def save_need(self, need: OpenNeed) -> None:
        await self.needs.replace_one({"_id": need.id}, need.model_dump(), upsert=True)

    async def save_supply(self, supply: Supply) -> None:
        await self.supply.replace_one({"_id": supply.id}, supply.model_dump(), upsert=True)

    async def load(self) -> MatchIndex:
        index = MatchIndex()
        async for doc in self.needs.find({}, {"_id": 0}):
            index.add_need(OpenNeed.model_validate(doc))
        async for doc in self.supply.find({}, {"_id": 0}):
            index.add_supply(Supply.model_validate(doc))
        return index
