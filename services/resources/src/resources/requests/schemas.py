"""What the HTTP API reads and answers of service requests."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel

from contract.events.resources import RequestStatus


class RequestOut(BaseModel):
    id: str
    resource_id: str
    provider_organization_id: str
    organization_id: str | None
    resident_id: str | None
    resident_name: str | None
    need_id: str | None
    wanted_on: date
    period: str
    quantity: int
    note: str
    status: RequestStatus
    proposal_id: str | None
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
    completed_at: datetime | None
    version: int


class RequestAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"
    COMPLETE = "complete"
