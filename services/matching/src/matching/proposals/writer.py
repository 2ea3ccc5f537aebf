"""The writer of new proposals: those decided meanwhile, stored and announced as one bulk write."""

from __future__ import annotations

import asyncio
import logging

from contract.events import Envelope
from contract.ids import new_id
from matching.proposals.models import Proposal
from matching.proposals.repository import ProposalRepository
from matching.proposals.view import ProposalsView
from runtime.pacing import settle

WRITE_BATCH = 500
MAX_QUEUED = 2 * WRITE_BATCH
log = logging.getLogger(__name__)


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
