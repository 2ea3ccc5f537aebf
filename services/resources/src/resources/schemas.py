"""What the resources service's HTTP API reads and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from resources.models import ResourceKind, ResourceStatus
from shared.schemas import AREA_CODE
from shared.taxonomy import Category


class ResourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    kind: ResourceKind
    name: str = Field(min_length=1, max_length=200, examples=["安泰社区党群服务中心多功能厅"])
    description: str = Field(default="", max_length=5000)
    category: Category
    area_code: str = AREA_CODE
    capacity: int = Field(ge=1, le=100_000, description="people a venue holds, units lent, or people served")


class ResourceOut(BaseModel):
    id: str
    organization_id: str
    kind: ResourceKind
    name: str
    description: str
    category: Category
    area_code: str
    capacity: int
    status: ResourceStatus
    created_at: datetime
