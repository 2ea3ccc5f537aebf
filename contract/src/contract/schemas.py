"""Field shapes the services' HTTP schemas share, and the base of their partial updates."""

from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

# An area node's code: the administrative division code of China (12 digits down to the
# community), extended with grid and building digits below it.
AREA_PATTERN = r"^[0-9]{6,18}$"
ID_PATTERN = r"^[0-9a-f]{32}$"  # an id the platform gave out
AREA_CODE = Field(pattern=AREA_PATTERN, examples=["350102001001"])
ID = Field(default=None, pattern=ID_PATTERN, description="an id the platform gave out")

# The times the platform deals in: its past (imported history) and its future (bookings a year
# ahead) lie well inside; outside, arithmetic on a time (a zone, a day added) can overflow.
EARLIEST, UNTIL = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _in_reach(value: datetime) -> datetime:
    try:
        in_reach = EARLIEST <= value.astimezone(UTC) < UNTIL
    except OverflowError:  # in UTC it would be year 0 or 10000
        in_reach = False
    if not in_reach:
        raise PydanticCustomError("time_out_of_range", "a time from 2000 to 2099 is expected")
    return value


def _day_in_reach(value: date) -> date:
    if not EARLIEST.year <= value.year < UNTIL.year:
        raise PydanticCustomError("date_out_of_range", "a day from 2000 to 2099 is expected")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_reach)]
"""A time with its zone, from 2000 to 2099."""
Day = Annotated[date, AfterValidator(_day_in_reach)]
"""A day from 2000 to 2099."""


class Patch(BaseModel):
    """The fields to change (`PATCH`); those left out stay as they are. A field sent as `null`
    is refused, naming it, unless `nullable` lists it (a value the aggregate may be without):
    left in, a null would be stored and then stop every read of the aggregate."""

    model_config = ConfigDict(extra="forbid")
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("null_refused", "may not be null: leave the field out to keep its value")
        return value
