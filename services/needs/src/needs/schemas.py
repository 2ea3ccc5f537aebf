"""What the needs service's HTTP API reads and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from needs.models import NeedStatus
from shared.schemas import AREA_CODE
from shared.taxonomy import Category


class NeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    title: str = Field(min_length=1, max_length=200, examples=["党员活动日需借用会议室"])
    description: str = Field(default="", max_length=5000)
    category: Category
    area_code: str = AREA_CODE
    quantity: int = Field(ge=1, le=100_000, description="people or units needed")


class NeedOut(BaseModel):
    id: str
    organization_id: str
    title: str
    description: str
    category: Category
    area_code: str
    quantity: int
    status: NeedStatus
    created_at: datetime
