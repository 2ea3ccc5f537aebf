"""The saga an accepted proposal starts, matching's side of it.

When both sides accept, `match.accepted` goes out; the needs service makes the claim
(`claim.made` or `claim.refused`), the resources service the booking or request
(`booking.confirmed`, `service_request.accepted`, or their `.refused`). Both made: the proposal
is confirmed. One refused: it has failed, and `match.failed` tells the services to undo the
half they made. Every step is an event on Kafka, so a service down in the middle picks it up
when it is back; nothing ends half done."""

from __future__ import annotations

from contract.events import Envelope
from contract.events.matching import MatchConfirmed, MatchFailed
from contract.events.needs import ClaimMade, ClaimRefused
from contract.events.resources import BookingConfirmed, BookingRefused, ServiceRequestAccepted, ServiceRequestRefused
from matching.proposals.models import Proposal, ProposalStatus
from matching.proposals.service import Proposals, decision


class Saga:
    """Each half of an accepted proposal, made or refused, decides how the proposal ends."""

    def __init__(self, proposals: Proposals) -> None:
        self.proposals = proposals

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

        await self.proposals.change_if_known(event.data.proposal_id, decide, quiet=True)

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

        await self.proposals.change_if_known(data.proposal_id, decide)
