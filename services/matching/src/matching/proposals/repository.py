"""Where matching keeps its proposals (the index itself lives in memory, rebuilt from the topics)."""

from __future__ import annotations

from collections.abc import Sequence

from matching.proposals.models import Proposal
from runtime.repository import MongoRepository


class ProposalRepository(MongoRepository[Proposal]):
    model = Proposal

    async def matching(self, **fields: str) -> list[Proposal]:
        """Proposals whose fields equal these, by one query per field (an indexed equality each:
        FerretDB scans for `$or`), in id order."""
        found: dict[str, Proposal] = {}
        for name, value in fields.items():
            async for doc in self.collection.find({name: value}, {"outbox": 0, "outbox_pending": 0}):
                found[doc["_id"]] = self._load(doc)
        return [found[key] for key in sorted(found)]

    async def named(self, subjects: Sequence[str]) -> list[Proposal]:
        """The proposals matching's events are about: an event's subject is its proposal's id,
        but a `match.proposed`'s is its need's, whose proposals are read by need."""
        found = await self.get_many(subjects)
        known = {proposal.id for proposal in found}
        for need_id in subjects:
            if need_id not in known:
                found += await self.matching(need_id=need_id)
        return found
