"""What matching's HTTP API answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from matching.models import ProposalStatus
from shared.events import Reason


class ProposalOut(BaseModel):
    id: str
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    score: float
    reasons: list[Reason]
    status: ProposalStatus
    created_at: datetime
