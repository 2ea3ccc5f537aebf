"""Matching's use cases: keep the index current from events, propose as needs and supply
arrive, rematch the whole city, and run accepted proposals as a saga.

The saga: when both sides accept, `match.accepted` goes out; the needs service makes the
claim (`claim.made` or `claim.refused`), the resources service the booking or request
(`booking.confirmed`, `service_request.accepted`, or their `.refused`). Both made: the proposal
is confirmed. One refused: it has failed, and `match.failed` tells the services to undo the
half they made. Every step is an event on Kafka, so a service down in the middle picks it up
when it is back; nothing ends half done."""

from __future__ import annotations

import asyncio
import heapq
import logging
from bisect import insort
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
)
from contract.events.needs import (
    ClaimCompleted,
    ClaimMade,
    ClaimRefused,
    ClaimReleased,
    NeedCancelled,
    NeedExpired,
    NeedFulfilled,
    NeedPosted,
    NeedUpdated,
)
from contract.events.resources import (
    BookingCancelled,
    BookingConfirmed,
    BookingRefused,
    BookingRequested,
    ResourcePublished,
    ResourceUpdated,
    ResourceWithdrawn,
    ServiceRequestAccepted,
    ServiceRequestCancelled,
    ServiceRequestRefused,
)
from contract.ids import new_id
from matching.assign import Assignment, Problem, solve
from matching.engine import Index, Need, Supply
from matching.models import OPEN, Proposal, ProposalStatus, now, proposal_id
from matching.repository import ProposalRepository
from runtime.actors import Actor, require_organization
from runtime.pacing import Pacer, paced, settle
from runtime.pagination import first_kept

SOURCE = "/services/matching"
WRITE_BATCH = 500
MAX_QUEUED = 2 * WRITE_BATCH
log = logging.getLogger(__name__)
Decision = type[MatchDeclined | MatchExpired | MatchConfirmed | MatchFailed]


def decision(event_type: Decision, proposal: Proposal) -> Envelope:
    return event_type(
        source=SOURCE, subject=proposal.id, data=data_of(MatchDecisionData, proposal, proposal_id=proposal.id)
    )


class ProposalsView:
    """Every proposal in memory, for listing them without a sort in the database (FerretDB
    sorts a whole collection to answer a page) and for finding those due to expire: loaded at
    start, then kept by this process's writes. With several instances, one lists the others'
    proposals as they were when it started; one proposal by id is read from the database."""

    def __init__(self) -> None:
        self.proposals: dict[str, Proposal] = {}
        self._order: list[str] = []

    def put(self, proposal: Proposal) -> None:
        if proposal.id not in self.proposals:
            insort(self._order, proposal.id)
        self.proposals[proposal.id] = proposal

    def newest(self, keep: Callable[[Proposal], bool], *, limit: int) -> list[Proposal]:
        """The `limit` latest proposals `keep` keeps, the latest first."""
        return heapq.nlargest(limit, filter(keep, self.proposals.values()), key=lambda p: (p.created_at, p.id))

    def page(self, keep: Callable[[Proposal], bool], *, after: str | None, limit: int) -> list[Proposal]:
        return first_kept(self._order, self.proposals, keep, after=after, limit=limit)


class ProposalWriter:
    """Stores new proposals and announces them, whatever has been decided meanwhile as one
    bulk write (an outbox group: the events go out as soon as the documents are stored, with
    no relay in between), so that proposing keeps pace with needs arriving faster than one
    write at a time would."""

    def __init__(self, proposals: ProposalRepository, view: ProposalsView) -> None:
        self.proposals = proposals
        self.view = view
        self.queue: list[tuple[Proposal, list[Envelope]]] = []
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()

    def put(self, proposal: Proposal, event: Envelope) -> None:
        self.view.put(proposal)  # decided: in the view at once, so that it is not proposed twice while it waits
        self.queue.append((proposal, [event]))
        self._wake.set()
        if len(self.queue) >= MAX_QUEUED:
            self._room.clear()

    async def room(self) -> None:
        """Returns once fewer than `MAX_QUEUED` proposals wait to be stored: a burst of needs or
        supply is proposed at the pace the database takes the proposals in, not faster (those
        waiting are held twice, with their events, and are what a collection of the heap has
        to look at)."""
        await self._room.wait()

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self.queue:
                batch, self.queue = self.queue[:WRITE_BATCH], self.queue[WRITE_BATCH:]
                if len(self.queue) < MAX_QUEUED:
                    self._room.set()
                try:
                    await self.proposals.insert_many(batch, group=f"proposals-{new_id()}")
                except Exception:
                    log.exception("storing proposals failed; trying again")
                    self.queue[:0] = batch
                    await asyncio.sleep(1)
                else:
                    settle()  # the view holds them from now on


class Matching:
    def __init__(
        self,
        index: Index,
        proposals: ProposalRepository,
        writer: ProposalWriter,
        *,
        per_need: int,
        per_supply: int,
        ttl: timedelta,
        top: int,
        share: tuple[int, int] = (0, 1),
        solver: Executor | None = None,
    ) -> None:
        self.share = share  # (this instance, of how many)
        self.solver = solver  # where the rematch's flow runs: a worker process, or (None) here
        self.index = index
        self.proposals = proposals
        self.writer = writer
        self.per_need = per_need
        self.per_supply = per_supply
        self.ttl = ttl
        self.top = top
        self.live = False  # set once the index has caught up with the topics: then new facts are proposed

    def owns(self, area_code: str) -> bool:
        """Whether this instance matches in that area: its district's code modulo the number of
        instances is this instance's number."""
        instance, instances = self.share
        district = int(area_code[:6]) if area_code[:6].isdigit() else 0  # none known: the first instance's
        return district % instances == instance

    def go_live(self) -> None:
        """The index has caught up with the topics: from now on, new facts are proposed."""
        self.live = True
        settle()  # the index, rebuilt

    # --- the index, from events -------------------------------------------------------

    async def on_need_posted(self, event: NeedPosted) -> None:
        data = event.data
        if data.lat is None or data.lon is None or not self.owns(data.area_code):
            return  # no point to match from (the need is browsed, not proposed), or another instance's
        need = Need(
            id=data.need_id,
            organization_id=data.organization_id,
            category=data.category.value,
            area_code=data.area_code,
            lat=data.lat,
            lon=data.lon,
            quantity=data.quantity,
            urgency=data.urgency,
            posted_at=event.time,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            visibility=data.visibility,
        )
        self.index.put_need(need)
        if self.live:
            await self.propose((need, supply, score) for supply, score in self.index.best_for_need(need, self.per_need))

    async def on_need_changed(self, event: NeedUpdated | NeedCancelled | NeedExpired | NeedFulfilled) -> None:
        data = event.data
        need = self.index.needs.get(data.need_id)
        if event.type != "need.updated" or data.status not in ("open", "partly_claimed"):
            self.index.drop_need(data.need_id)
        elif need is not None:
            need.quantity, need.claimed = data.quantity, data.claimed
            self.index.put_need(need)

    async def on_claim_ended(self, event: ClaimCompleted | ClaimReleased) -> None:
        """A supplier's record: claims it completed, and those it let go itself."""
        data = event.data
        if isinstance(event, ClaimCompleted):
            self.index.suppliers.record(data.organization_id, completed=1)
        elif event.data.reason == "released":
            self.index.suppliers.record(data.organization_id, released=1)

    async def on_resource(self, event: ResourcePublished | ResourceUpdated | ResourceWithdrawn) -> None:
        data = event.data
        if data.status != "published" or data.lat is None or data.lon is None or not self.owns(data.area_code):
            self.index.drop_supply(data.resource_id)
            return
        supply = Supply(
            id=data.resource_id,
            organization_id=data.organization_id,
            kind=data.kind,
            category=data.category.value,
            area_code=data.area_code,
            lat=data.lat,
            lon=data.lon,
            capacity=data.capacity,
            radius_km=data.service_radius_km or 3.0,
            bookable_by=data.bookable_by,
        )
        new = data.resource_id not in self.index.supply
        self.index.put_supply(supply)
        if self.live and new:
            await self.propose(
                (need, supply, score) for need, score in self.index.best_for_supply(supply, self.per_supply)
            )

    async def on_booking(self, event: BookingRequested | BookingConfirmed | BookingCancelled) -> None:
        data = event.data
        venue = self.index.supply.get(data.venue_id)
        if venue is None:
            return
        if isinstance(event, BookingCancelled):  # read at each proposal: the supply table stays as it is
            venue.busy.pop(data.booking_id, None)
        else:
            venue.busy[data.booking_id] = (data.starts_at, data.ends_at)

    async def on_request(self, event: ServiceRequestAccepted | ServiceRequestCancelled) -> None:
        data = event.data
        supply = self.index.supply.get(data.resource_id)
        if supply is None:
            return
        if isinstance(event, ServiceRequestAccepted):
            supply.taken[data.request_id] = data.quantity
        else:
            supply.taken.pop(data.request_id, None)
        self.index.changed(supply)

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

    # --- decisions: the saga ------------------------------------------------------------

    async def get(self, proposal_id: str) -> Proposal:
        proposal = await self.proposals.get(proposal_id)
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

        return await self._change(proposal_id, decide, quiet=True)

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

        return await self._change(proposal_id, decide)

    async def on_half_made(self, event: ClaimMade | BookingConfirmed | ServiceRequestAccepted) -> None:
        """The claim, or the booking or request, of an accepted proposal is made."""
        if event.data.proposal_id is None:
            return
        half = "claim_made" if isinstance(event, ClaimMade) else "supply_made"

        def decide(proposal: Proposal) -> list[Envelope]:
            if getattr(proposal, half):
                return []
            setattr(proposal, half, True)
            if proposal.status is ProposalStatus.ACCEPTED and proposal.claim_made and proposal.supply_made:
                proposal.end(ProposalStatus.CONFIRMED)
                return [decision(MatchConfirmed, proposal)]
            return []

        await self._change_quietly(event.data.proposal_id, decide, quiet=True)

    async def on_half_refused(self, event: ClaimRefused | BookingRefused | ServiceRequestRefused) -> None:
        """One half was refused: the proposal has failed, and the other half is undone."""
        data = event.data
        if data.proposal_id is None:
            return

        def decide(proposal: Proposal) -> list[Envelope]:
            if proposal.status is not ProposalStatus.ACCEPTED:
                return []
            proposal.end(ProposalStatus.FAILED, data.reason)
            return [decision(MatchFailed, proposal)]

        await self._change_quietly(data.proposal_id, decide)

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
            if p.status in OPEN and p.expires_at is not None and p.expires_at < moment and self.owns(p.area_code)
        ]
        for pair in due:
            await self._change_quietly(pair, decide)
        return expired

    # --- helpers ------------------------------------------------------------------------

    @staticmethod
    def _side(proposal: Proposal, organization_id: str) -> str:
        side = proposal.side_of(organization_id)
        if side is None:
            raise NotFound(f"no proposal {proposal.id!r}")  # not theirs: not shown to them
        return side

    async def _change(
        self, proposal_id: str, decide: Callable[[Proposal], list[Envelope]], *, quiet: bool = False
    ) -> Proposal:
        proposal, _ = await self.proposals.change(proposal_id, decide, quiet=quiet)
        return proposal

    async def _change_quietly(
        self, proposal_id: str, decide: Callable[[Proposal], list[Envelope]], *, quiet: bool = False
    ) -> None:
        """A change an event asks for: a proposal this service does not know is logged, not retried."""
        try:
            await self._change(proposal_id, decide, quiet=quiet)
        except NotFound:
            log.warning("no such proposal", extra={"fields": {"proposal_id": proposal_id}})
