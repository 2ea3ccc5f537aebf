"""What the HTTP API answers of resources (what is sent to share and edit one: `contract.bodies.resources`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from contract.events.resources import BookableBy, CapacityPeriod, ResourceKind, ResourceStatus
from contract.opening_hours import OpeningPeriod
from contract.taxonomy import Category


class ResourceOut(BaseModel):
    id: str
    organization_id: str
    kind: ResourceKind
    name: str
    description: str
    category: Category
    area_code: str
    address: str
    lat: float | None
    lon: float | None
    capacity: int
    facilities: list[str]
    photos: list[str]
    opening_hours: list[OpeningPeriod]
    bookable_by: BookableBy
    needs_approval: bool
    service_radius_km: float | None
    capacity_period: CapacityPeriod | None
    used: dict[str, int]
    status: ResourceStatus
    created_at: datetime
    updated_at: datetime | None
    version: int
    distance_km: float | None = None


class ResourceAction(StrEnum):
    PUBLISH = "publish"
    PAUSE = "pause"
    RESUME = "resume"
    WITHDRAW = "withdraw"
