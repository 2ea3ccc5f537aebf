"""Where matching keeps its proposals (the index itself lives in memory, rebuilt from the topics)."""

from __future__ import annotations

from matching.models import Proposal, ProposalStatus
from shared.repository import MongoRepository


class ProposalRepository(MongoRepository[Proposal]):
    model = Proposal

    async def ids(self) -> set[str]:
        """The ids of every proposal stored: a pair is proposed once."""
        return {doc["_id"] async for doc in self.collection.find({}, {"_id": 1}, batch_size=5000)}

    async def open(self) -> list[Proposal]:
        """Proposals waiting for an answer."""
        cursor = self.collection.find({"status": ProposalStatus.PROPOSED.value}, {"outbox": 0, "outbox_pending": 0})
        return [self._load(doc) async for doc in cursor]
