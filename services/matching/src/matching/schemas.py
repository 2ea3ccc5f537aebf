"""What matching's HTTP API answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contract.events import Reason
from matching.models import ProposalStatus


class ProposalOut(BaseModel):
    id: str
    area_code: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    score: float
    reasons: list[Reason]
    quantity: int
    starts_at: datetime | None
    ends_at: datetime | None
    status: ProposalStatus
    need_accepted: bool
    supply_accepted: bool
    claim_made: bool
    supply_made: bool
    reason: str | None
    created_at: datetime
    expires_at: datetime | None
    decided_at: datetime | None
