"""What an import reads: the row each kind of file must have. The columns are the fields of
`devkit.synthetic`'s rows; other columns are ignored and a blank cell is none."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contract.events.organizations import OrganizationKind
from contract.schemas import AREA_PATTERN
from organizations.areas.schemas import AreaNodeCreate
from organizations.common import Phone
from organizations.imports.models import ImportKind
from organizations.members.models import MemberRole
from organizations.members.schemas import IdNumber
from organizations.organizations.schemas import CreditCode


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def _split(value: Any) -> Any:
    return (
        [part.strip() for part in value.replace("；", ";").split(";") if part.strip()]
        if isinstance(value, str)
        else value
    )


class AreaRowIn(AreaNodeCreate):
    """An area node as a file's row: other columns ignored, blanks as none."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    _blanks = field_validator("parent_code", "lat", "lon", mode="before")(_blank_is_none)


class OrganizationRowIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: OrganizationKind
    area_code: str = Field(pattern=AREA_PATTERN)
    party_parent_code: str | None = None
    address: str = Field(default="", max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    contact_name: str = Field(default="", max_length=50)
    contact_phone: Phone | None = None
    tags: list[str] = Field(default_factory=list, max_length=30)
    credit_code: CreditCode | None = None

    _blanks = field_validator("party_parent_code", "lat", "lon", "contact_phone", "credit_code", mode="before")(
        _blank_is_none
    )
    _lists = field_validator("tags", mode="before")(_split)


class MemberRowIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$")
    name: str = Field(min_length=1, max_length=50)
    phone: Phone
    id_number: IdNumber = ""
    roles: list[MemberRole] = Field(min_length=1)
    organization_codes: list[str] = Field(min_length=1, max_length=20)

    _lists = field_validator("roles", "organization_codes", mode="before")(_split)


ROW_MODELS: dict[ImportKind, type[BaseModel]] = {
    ImportKind.AREAS: AreaRowIn,
    ImportKind.ORGANIZATIONS: OrganizationRowIn,
    ImportKind.MEMBERS: MemberRowIn,
}
