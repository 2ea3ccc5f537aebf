"""The supply side: venues, lendables and services that organisations share."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field

from shared.repository import Aggregate
from shared.taxonomy import Category


class ResourceKind(StrEnum):
    VENUE = "venue"
    LENDABLE = "lendable"
    SERVICE = "service"


class ResourceStatus(StrEnum):
    PUBLISHED = "published"


class Resource(Aggregate):
    organization_id: str
    kind: ResourceKind
    name: str
    description: str = ""
    category: Category
    area_code: str
    capacity: int
    status: ResourceStatus = ResourceStatus.PUBLISHED
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    version: int = 1
