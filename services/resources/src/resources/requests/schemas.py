"""What the HTTP API reads and answers of service requests."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from contract.schemas import Day
from resources.requests.models import RequestStatus
from resources.resources.schemas import ID


class RequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wanted_on: Day = Field(description="the day the service is wanted: its capacity period is the one this falls in")
    quantity: int = Field(default=1, ge=1, le=100_000)
    need_id: ID | None = None
    note: str = Field(default="", max_length=1000)


class RequestOut(BaseModel):
    id: str
    resource_id: str
    provider_organization_id: str
    organization_id: str
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
    version: int


class RequestAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"
