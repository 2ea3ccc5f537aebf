"""What is sent to share and edit a resource, book a venue (once or as a series) and request a
service or lendable."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from contract.events.resources import BookableBy, CapacityPeriod, ResourceKind
from contract.opening_hours import OpeningPeriod
from contract.schemas import AREA_CODE, ID_PATTERN, Day, Moment, Patch
from contract.taxonomy import Category

ID = Annotated[str, Field(pattern=ID_PATTERN)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]


def _unique_days(days: list[int]) -> list[int]:
    if any(d < 1 or d > 7 for d in days) or len(set(days)) != len(days):
        raise ValueError("days are ISO weekdays, 1 (Monday) to 7, each once")
    return days


class OpeningPeriodIn(OpeningPeriod):
    model_config = ConfigDict(extra="forbid")

    days: Annotated[list[int], AfterValidator(_unique_days)] = Field(
        default=[1, 2, 3, 4, 5, 6, 7], min_length=1, max_length=7
    )


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


class KeptResource(ResourceCreate):
    """A resource an organisation kept a record of elsewhere before (a city's register of its
    venues and services), imported under its own id."""

    id: ID
    organization_id: ID  # required here: whose it is


class ResourceImport(BaseModel):
    """Resources kept elsewhere before, imported by an administrator of their area."""

    model_config = ConfigDict(extra="forbid")

    resources: list[KeptResource] = Field(min_length=1, max_length=1000)


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


class BookingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: Moment = Field(description="on the hour or half hour, with its time zone")
    ends_at: Moment
    attendees: int = Field(default=1, ge=1, le=100_000)
    purpose: str = Field(default="", max_length=500, examples=["第一党支部主题党日"])
    need_id: ID | None = None

    @model_validator(mode="after")
    def _ordered(self) -> BookingCreate:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at comes after starts_at")
        return self


class SeriesCreate(BookingCreate):
    """A recurring booking: the first occurrence's time, repeated weekly on its weekday or
    monthly on its day of the month, `count` times or until `until`."""

    repeat: Literal["weekly", "monthly"]
    count: int | None = Field(default=None, ge=1, le=52)
    until: Day | None = None

    @model_validator(mode="after")
    def _bounded(self) -> SeriesCreate:
        if (self.count is None) == (self.until is None):
            raise ValueError("give either count or until")
        return self


class RequestCreate(BaseModel):
    """A request of a service or lendable, for the acting organisation or resident."""

    model_config = ConfigDict(extra="forbid")

    organization_id: ID | None = Field(default=None, description="the acting organisation's, if given")
    resident_name: str | None = Field(
        default=None, min_length=1, max_length=50, description="a resident's name, for the provider"
    )
    wanted_on: Day = Field(description="the day the service is wanted: its capacity period is the one this falls in")
    quantity: int = Field(default=1, ge=1, le=100_000)
    need_id: ID | None = None
    note: str = Field(default="", max_length=1000)
