"""Field shapes the services' HTTP schemas share, and the base of their partial updates."""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

# An area node's code: the administrative division code of China (12 digits down to the
# community), extended with grid and building digits below it.
AREA_CODE = Field(pattern=r"^[0-9]{6,18}$", examples=["350102001001"])
ID = Field(default=None, pattern=r"^[0-9a-f]{32}$", description="an id the platform gave out")


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
