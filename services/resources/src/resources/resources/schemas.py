"""What the HTTP API reads and answers of resources."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from contract.events.resources import BookableBy, CapacityPeriod, ResourceKind
from contract.opening_hours import OpeningPeriod
from contract.schemas import AREA_CODE, ID_PATTERN, Patch
from contract.taxonomy import Category
from resources.resources.models import ResourceStatus

ID = Annotated[str, Field(pattern=ID_PATTERN)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]


def _unique_days(days: list[int]) -> list[int]:
    if any(d < 1 or d > 7 for d in days) or len(set(days)) != len(days):
        raise ValueError("days are ISO weekdays, 1 (Monday) to 7, each once")
    return days


class OpeningPeriodIn(OpeningPeriod):
    model_config = ConfigDict(extra="forbid")

    days: Annotated[list[int], AfterValidator(_unique_days)] = Field(default=[1, 2, 3, 4, 5, 6, 7], max_length=7)


class ResourceFields(BaseModel):
    """What an organisation may say of a resource, when sharing it and when editing it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["安泰社区党群服务中心多功能厅"])
    description: str = Field(default="", max_length=5000)
    category: Category
    area_code: str = AREA_CODE
    address: str = Field(default="", max_length=300)
    lat: Lat | None = None
    lon: Lon | None = None
    capacity: int = Field(ge=1, le=100_000, description="people a venue holds, units lent or people served a period")
    facilities: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default=[], max_length=50)
    photos: list[HttpUrl] = Field(default=[], max_length=20)
    opening_hours: list[OpeningPeriodIn] = Field(default=[OpeningPeriodIn()], min_length=1, max_length=14)
    bookable_by: BookableBy = BookableBy.ANYONE
    needs_approval: bool = False
    service_radius_km: float | None = Field(default=None, gt=0, le=200)
    capacity_period: CapacityPeriod | None = None

    @model_validator(mode="after")
    def _point_whole(self) -> ResourceFields:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon come together")
        return self


class ResourceCreate(ResourceFields):
    organization_id: ID | None = Field(default=None, description="the acting organisation's, if given")
    kind: ResourceKind
    draft: bool = Field(default=False, description="keep it unpublished until `publish`")

    @model_validator(mode="after")
    def _kind_fields(self) -> ResourceCreate:
        if self.kind is ResourceKind.VENUE:
            if self.lat is None:
                raise ValueError("a venue needs its point (lat, lon)")
            if self.capacity_period is not None:
                raise ValueError("a venue is booked by time; capacity_period is for services and lendables")
        elif self.capacity_period is None:
            self.capacity_period = CapacityPeriod.MONTH
        if self.kind is ResourceKind.SERVICE and self.lat is not None and self.service_radius_km is None:
            self.service_radius_km = 5.0
        return self


class ResourceEdit(Patch):
    """Fields to change; those left out stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    address: str | None = Field(default=None, max_length=300)
    capacity: int | None = Field(default=None, ge=1, le=100_000)
    facilities: list[Annotated[str, Field(min_length=1, max_length=50)]] | None = Field(default=None, max_length=50)
    photos: list[HttpUrl] | None = Field(default=None, max_length=20)
    opening_hours: list[OpeningPeriodIn] | None = Field(default=None, min_length=1, max_length=14)
    bookable_by: BookableBy | None = None
    needs_approval: bool | None = None
    service_radius_km: float | None = Field(default=None, gt=0, le=200)


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
