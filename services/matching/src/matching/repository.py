"""Where matching keeps its proposals (the index itself lives in memory, rebuilt from the topics)."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.errors import DuplicateKeyError

from matching.models import Proposal, ProposalStatus
from shared.events import Envelope
from shared.repository import MongoRepository


class ProposalRepository(MongoRepository[Proposal]):
    model = Proposal

    async def add(self, proposal: Proposal, events: Sequence[Envelope]) -> bool:  # type: ignore[override]
        """Stores a new proposal with its events; False when the pair was proposed before."""
        try:
            await super().add(proposal, events)
        except DuplicateKeyError:
            return False
        return True

    async def open(self) -> list[Proposal]:
        """Proposals waiting for an answer."""
        cursor = self.collection.find({"status": ProposalStatus.PROPOSED.value}, {"outbox": 0, "outbox_pending": 0})
        return [self._load(doc) async for doc in cursor]
