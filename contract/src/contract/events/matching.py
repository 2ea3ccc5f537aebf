"""Matching's events: proposals and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from contract.events.base import Data, Envelope


class Reason(Data):
    """One term of a proposal's score, shown to people as part of "why this match"."""

    name: str
    weight: float
    value: float


class MatchProposedData(Data):
    proposal_id: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    score: float
    reasons: list[Reason]
    quantity: int = 1  # the units of the need this supply would take
    expires_at: datetime | None = None


class MatchProposed(Envelope):
    """Emitted when matching proposes a supply item for a need."""

    type: Literal["match.proposed"] = "match.proposed"
    data: MatchProposedData


class MatchAcceptedData(Data):
    proposal_id: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    quantity: int = 1
    starts_at: datetime | None = None  # the need's time: what a venue is booked for
    ends_at: datetime | None = None


class MatchAccepted(Envelope):
    """Emitted when both sides accept a proposal: the needs service turns it into a claim of the
    supplier's organisation, the resources service into a booking or a service request."""

    type: Literal["match.accepted"] = "match.accepted"
    data: MatchAcceptedData


class MatchDecisionData(Data):
    proposal_id: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    reason: str | None = None


class MatchDeclined(Envelope):
    """Emitted when either side declines a proposal."""

    type: Literal["match.declined"] = "match.declined"
    data: MatchDecisionData


class MatchExpired(Envelope):
    """Emitted when a proposal was not answered by both sides in time."""

    type: Literal["match.expired"] = "match.expired"
    data: MatchDecisionData


class MatchWithdrawn(Envelope):
    """Emitted when a proposal still waiting for an answer is taken back because its need was
    cancelled, expired or fulfilled (`reason` says which)."""

    type: Literal["match.withdrawn"] = "match.withdrawn"
    data: MatchDecisionData


class MatchConfirmed(Envelope):
    """Emitted when both halves of an accepted proposal are done: the claim on the need, and the
    booking or service request of the supply."""

    type: Literal["match.confirmed"] = "match.confirmed"
    data: MatchDecisionData


class MatchFailed(Envelope):
    """Emitted when one half of an accepted proposal was refused (`reason` says why): the other
    half, if made, is undone by its own service (the claim released, the booking cancelled)."""

    type: Literal["match.failed"] = "match.failed"
    data: MatchDecisionData
