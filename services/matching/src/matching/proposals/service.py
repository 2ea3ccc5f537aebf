"""Proposals' use cases: proposing the index's pairs (a new need's or supply item's best, the
city-wide rematch's), the two sides' decisions, expiring those nobody answered in time,
withdrawing those of a need that ended, and the change of one proposal that these and the
saga's decisions are made through."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from datetime import timedelta

from contract.errors import Conflict, NotFound
from contract.events import Envelope, data_of
from contract.events.matching import (
    MatchAccepted,
    MatchAcceptedData,
    MatchConfirmed,
    MatchDecisionData,
    MatchDeclined,
    MatchExpired,
    MatchFailed,
    MatchProposed,
    MatchProposedData,
    MatchWithdrawn,
)
from contract.events.needs import NeedCancelled, NeedExpired, NeedFulfilled
from matching.index.assign import Assignment, Problem, solve
from matching.index.engine import Index, Need, Supply
from matching.index.share import Share
from matching.proposals.models import OPEN, Proposal, ProposalStatus, now, proposal_id
from matching.proposals.repository import ProposalRepository
from matching.proposals.writer import ProposalWriter
from runtime.actors import Actor, require_organization
from runtime.pacing import Pacer, paced, settle

SOURCE = "/services/matching"
log = logging.getLogger(__name__)
Decision = type[MatchDeclined | MatchExpired | MatchWithdrawn | MatchConfirmed | MatchFailed]
WHY_WITHDRAWN = {
    "need.cancelled": "the need was cancelled",
    "need.expired": "the need expired",
    "need.fulfilled": "the need was fulfilled",
}


def decision(event_type: Decision, proposal: Proposal) -> Envelope:
    return event_type(
        source=SOURCE, subject=proposal.id, data=data_of(MatchDecisionData, proposal, proposal_id=proposal.id)
    )


class Proposals:
    """The use cases, given the index pairs are scored in, where proposals are kept, and the
    writer that stores new ones."""

    def __init__(
        self,
        index: Index,
        repo: ProposalRepository,
        writer: ProposalWriter,
        *,
        ttl: timedelta,
        top: int,
        share: Share,
        solver: Executor | None = None,
    ) -> None:
        self.index = index
        self.repo = repo
        self.writer = writer
        self.ttl = ttl
        self.top = top
        self.share = share  # which of the proposals this instance expires
        self.solver = solver  # where the rematch's flow runs: a worker process, or (None) here

    # --- proposing ----------------------------------------------------------------------

    async def propose(self, pairs: Iterable[tuple[Need, Supply, float]]) -> int:
        """Proposes each (need, supply, score) not proposed before: decided here and now, stored
        and announced by the writer. Returns how many were new."""
        made = 0
        moment = now()
        pacer = Pacer()  # a rematch proposes thousands
        for need, supply, score in pairs:
            await pacer.pace()
            await self.writer.room()
            pair = proposal_id(need.id, supply.id)
            if pair in self.writer.view.proposals:
                continue  # proposed before (a redelivered event, a rematch choosing it again)
            proposal = Proposal(
                id=pair,
                area_code=need.area_code,
                need_id=need.id,
                need_organization_id=need.organization_id,
                resource_id=supply.id,
                resource_organization_id=supply.organization_id,
                score=round(score, 4),
                reasons=self.index.reasons(need, supply, moment),
                quantity=max(1, min(need.open_units, supply.units_left)),
                starts_at=need.starts_at,
                ends_at=need.ends_at,
                expires_at=moment + self.ttl,
            )
            proposed = MatchProposed(
                source=SOURCE, subject=need.id, data=data_of(MatchProposedData, proposal, proposal_id=proposal.id)
            )
            self.writer.put(proposal, proposed)
            self.index.suppliers.record(supply.organization_id, proposed=1)
            made += 1
        return made

    async def rematch(self) -> dict[str, float]:
        """The city-wide assignment: the most total score over every open need and all supply;
        the pairs it gives units to that were not proposed before are proposed now. It takes
        seconds at the city's size, none of them in one piece on the event loop: the pairs are
        scored a block at a time, the flow is solved in the worker process."""
        started = now()
        scoring = self.index.scoring(list(self.index.needs.values()), top=self.top, moment=started, frozen=True)
        candidates = await paced(scoring)
        assignment = await self._solve(Problem.of(candidates))
        pairs = assignment.pairs()
        made = await self.propose(
            (
                candidates.needs[candidates.need_ix[k]],
                candidates.supply[candidates.supply_ix[k]],
                float(candidates.score[k]),
            )
            for k in pairs
        )
        settle()  # the proposals made
        seconds = (now() - started).total_seconds()
        result = {"needs": len(candidates.needs), "pairs": len(candidates), "assigned": len(pairs), "proposed": made}
        log.info("rematch", extra={"fields": {**result, "seconds": seconds}})
        return {**result, "total_score": round(assignment.total, 2), "seconds": round(seconds, 3)}

    async def _solve(self, problem: Problem) -> Assignment:
        if self.solver is None:
            return solve(problem)
        return await asyncio.get_running_loop().run_in_executor(self.solver, solve, problem)

    # --- the sides' decisions -----------------------------------------------------------

    async def get(self, proposal_id: str) -> Proposal:
        proposal = await self.repo.get(proposal_id)
        if proposal is None:
            raise NotFound(f"no proposal {proposal_id!r}")
        return proposal

    async def accept(self, proposal_id: str, actor: Actor) -> Proposal:
        """One side accepts; when both have, `match.accepted` starts the saga."""
        organization_id = require_organization(actor)

        def decide(proposal: Proposal) -> list[Envelope]:
            side = self._side(proposal, organization_id)
            if (side == "need" and proposal.need_accepted) or (side == "supply" and proposal.supply_accepted):
                return []  # accepted already
            if not proposal.accept(side):
                return []  # the other side has yet to accept
            return [
                MatchAccepted(
                    source=SOURCE,
                    subject=proposal.id,
                    data=data_of(MatchAcceptedData, proposal, proposal_id=proposal.id),
                )
            ]

        return await self.change(proposal_id, decide, quiet=True)

    async def decline(self, proposal_id: str, actor: Actor) -> Proposal:
        organization_id = require_organization(actor)

        def decide(proposal: Proposal) -> list[Envelope]:
            side = self._side(proposal, organization_id)
            if proposal.status is ProposalStatus.DECLINED:
                return []
            if proposal.status not in OPEN:
                raise Conflict(f"the proposal is {proposal.status.value}", status=proposal.status.value)
            proposal.end(ProposalStatus.DECLINED, f"declined by the {side} side")
            return [decision(MatchDeclined, proposal)]

        return await self.change(proposal_id, decide)

    @staticmethod
    def _side(proposal: Proposal, organization_id: str) -> str:
        side = proposal.side_of(organization_id)
        if side is None:
            raise NotFound(f"no proposal {proposal.id!r}")  # not theirs: not shown to them
        return side

    # --- expiry -------------------------------------------------------------------------

    async def sweep(self) -> int:
        """Expires proposals not answered by both sides in time. They are found in the view (reading
        every open proposal from FerretDB each minute kept it busy for most of that minute at the
        city's 58,000); each is read again and ends only if it is still open."""
        moment, expired = now(), 0

        def decide(p: Proposal) -> list[Envelope]:
            nonlocal expired
            if p.status not in OPEN:
                return []  # decided meanwhile, by another instance
            p.end(ProposalStatus.EXPIRED, "not answered in time")
            expired += 1
            return [decision(MatchExpired, p)]

        due = [
            p.id
            for p in self.writer.view.proposals.values()
            if p.status in OPEN and p.expires_at is not None and p.expires_at < moment and self.share.owns(p.area_code)
        ]
        for pair in due:
            await self.change_if_known(pair, decide)
        return expired

    async def on_need_ended(self, event: NeedCancelled | NeedExpired | NeedFulfilled) -> None:
        """A need cancelled, expired or fulfilled: its proposals still waiting for an answer are
        withdrawn, so neither side is asked about help no longer wanted. Accepted ones are left
        to the saga: their claim is refused on the ended need, and the proposal fails, undoing
        the booking or request made for it."""
        reason = WHY_WITHDRAWN[event.type]

        def decide(p: Proposal) -> list[Envelope]:
            if p.status not in OPEN:
                return []  # answered meanwhile
            p.end(ProposalStatus.WITHDRAWN, reason)
            return [decision(MatchWithdrawn, p)]

        for proposal in await self.repo.matching(need_id=event.data.need_id):
            if proposal.status in OPEN:
                await self.change_if_known(proposal.id, decide)

    # --- changing one proposal ----------------------------------------------------------

    async def change(
        self, proposal_id: str, decide: Callable[[Proposal], list[Envelope]], *, quiet: bool = False
    ) -> Proposal:
        """Lets `decide` change one proposal and name the events (a DomainError refuses): what
        the decisions here, the sweep's and the saga's are made through."""
        proposal, _ = await self.repo.change(proposal_id, decide, quiet=quiet)
        return proposal

    async def change_if_known(
        self, proposal_id: str, decide: Callable[[Proposal], list[Envelope]], *, quiet: bool = False
    ) -> None:
        """A change an event or the sweep asks for: a proposal this service does not know is
        logged, not retried."""
        try:
            await self.change(proposal_id, decide, quiet=quiet)
        except NotFound:
            log.warning("no such proposal", extra={"fields": {"proposal_id": proposal_id}})
