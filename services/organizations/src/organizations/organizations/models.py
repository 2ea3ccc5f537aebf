"""An organisation of the registry: its kind, status, contacts and place in the area tree and
the Party hierarchy."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from contract.aggregates import Aggregate
from contract.events.organizations import OrganizationKind, OrganizationStatus
from organizations.common import now


class Contact(BaseModel):
    name: str
    phone: str = ""


class Organization(Aggregate):
    code: str
    name: str
    kind: OrganizationKind
    area_code: str
    party_parent_id: str | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    contacts: list[Contact] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    status: OrganizationStatus = OrganizationStatus.ACTIVE
    credit_code: str | None = None
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    version: int = 1
    source_digest: str = ""  # of the import row it was last written from: an unchanged row is skipped
