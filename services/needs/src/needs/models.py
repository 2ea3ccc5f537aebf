"""The demand side: needs that organisations post for others to claim."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field

from shared.repository import Aggregate
from shared.taxonomy import Category


class NeedStatus(StrEnum):
    OPEN = "open"


class Need(Aggregate):
    organization_id: str
    title: str
    description: str = ""
    category: Category
    area_code: str
    quantity: int
    status: NeedStatus = NeedStatus.OPEN
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    version: int = 1
