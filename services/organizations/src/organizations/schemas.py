"""What the registry's HTTP API reads and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from organizations.models import OrganizationKind, OrganizationStatus
from shared.schemas import AREA_CODE, ID


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["鼓楼区东街街道安泰社区党委"])
    kind: OrganizationKind
    area_code: str = AREA_CODE
    parent_id: str | None = ID


class OrganizationOut(BaseModel):
    id: str
    name: str
    kind: OrganizationKind
    area_code: str
    parent_id: str | None
    status: OrganizationStatus
    created_at: datetime
