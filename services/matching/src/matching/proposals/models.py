"""Matching's proposals and their lifecycle: proposed, accepted by both sides (the saga runs:
a claim on the need, a booking or request of the supply), then confirmed or failed; or
declined, or expired unanswered, or withdrawn when the need ends first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field

from contract.aggregates import Versioned
from contract.errors import Conflict
from contract.events.matching import Reason
from runtime.actors import Actor, ActorKind

_PROPOSAL_IDS = uuid.UUID("6f1d9c1e-3b0a-4c55-9d3e-2a1f6c7b8e90")


def now() -> datetime:
    return datetime.now(UTC)


def proposal_id(need_id: str, resource_id: str) -> str:
    """The same pair always gets the same id, so proposing twice is a no-op."""
    return uuid.uuid5(_PROPOSAL_IDS, f"{need_id}:{resource_id}").hex


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"  # by both sides: the claim and the booking or request are being made
    CONFIRMED = "confirmed"  # both made
    FAILED = "failed"  # one was refused; the other undone
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # its need was cancelled, expired or fulfilled before both sides accepted


OPEN = frozenset({ProposalStatus.PROPOSED})


class Proposal(Versioned):
    area_code: str = ""  # the need's: which instance matches it (none in proposals made before it was kept)
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    score: float
    reasons: list[Reason]
    quantity: int = 1
    starts_at: datetime | None = None  # the need's time
    ends_at: datetime | None = None
    status: ProposalStatus = ProposalStatus.PROPOSED
    need_accepted: bool = False
    supply_accepted: bool = False
    claim_made: bool = False
    supply_made: bool = False  # the booking or service request
    reason: str | None = None
    created_at: datetime = Field(default_factory=now)
    expires_at: datetime | None = None
    decided_at: datetime | None = None

    def side_of(self, organization_id: str) -> str | None:
        if organization_id == self.need_organization_id:
            return "need"
        if organization_id == self.resource_organization_id:
            return "supply"
        return None

    def accept(self, side: str) -> bool:
        """Records one side's acceptance; True when that makes both."""
        if self.status is not ProposalStatus.PROPOSED:
            raise Conflict(f"the proposal is {self.status.value}", status=self.status.value)
        if side == "need":
            self.need_accepted = True
        else:
            self.supply_accepted = True
        if self.need_accepted and self.supply_accepted:
            self.status, self.decided_at = ProposalStatus.ACCEPTED, now()
            return True
        return False

    def end(self, status: ProposalStatus, reason: str | None = None) -> None:
        self.status, self.reason, self.decided_at = status, reason, now()


def may_see(proposal: Proposal, actor: Actor) -> bool:
    """A proposal is its two organisations', an administrator's whose subtree holds its need
    (a proposal keeps the need's area, not the supply's), and the platform's."""
    if actor.kind is ActorKind.PLATFORM:
        return True
    if actor.kind is ActorKind.ORGANIZATION:
        return actor.organization_id is not None and proposal.side_of(actor.organization_id) is not None
    return actor.kind is ActorKind.AREA_ADMIN and bool(proposal.area_code) and actor.administers(proposal.area_code)
