"""Matching's read model: every proposal in memory, in id order."""

from __future__ import annotations

import heapq
from bisect import insort
from collections.abc import Callable

from matching.proposals.models import Proposal
from runtime.pagination import first_kept


class ProposalsView:
    """Every proposal in memory, for listing them without a sort in the database (FerretDB
    sorts a whole collection to answer a page) and for finding those due to expire: from its
    snapshot or the database at start, then kept by this process's writes and, for the other
    instances' writes, from matching's topic (`runtime.replica.KeptReadModel`)."""

    def __init__(self) -> None:
        self.proposals: dict[str, Proposal] = {}
        self._order: list[str] = []

    def put(self, proposal: Proposal) -> None:
        """Keeps a proposal as written; an older version of one it holds (a batch stored again
        after a failure) changes nothing."""
        held = self.proposals.get(proposal.id)
        if held is None:
            insort(self._order, proposal.id)
        elif held.version > proposal.version:
            return
        self.proposals[proposal.id] = proposal

    def newest(self, keep: Callable[[Proposal], bool], *, limit: int) -> list[Proposal]:
        """The `limit` latest proposals `keep` keeps, the latest first."""
        return heapq.nlargest(limit, filter(keep, self.proposals.values()), key=lambda p: (p.created_at, p.id))

    def page(self, keep: Callable[[Proposal], bool], *, after: str | None, limit: int) -> list[Proposal]:
        return first_kept(self._order, self.proposals, keep, after=after, limit=limit)
