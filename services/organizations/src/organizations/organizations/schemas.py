"""What the organisation routes read and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator

from contract.china_codes import credit_code_problem
from contract.events.organizations import OrganizationKind, OrganizationStatus
from contract.schemas import AREA_CODE, AREA_PATTERN, ID, Patch
from organizations.common import CODE, Phone, Strict
from organizations.organizations.models import Contact


def _credit_code(value: str) -> str:
    if problem := credit_code_problem(value):
        raise ValueError(problem)
    return value


CreditCode = Annotated[str, AfterValidator(_credit_code), Field(description="统一社会信用代码, 18 characters")]


class ContactIn(Strict):
    name: str = Field(min_length=1, max_length=50)
    phone: Phone


class OrganizationFields(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["鼓楼区东街街道安泰社区党委"])
    kind: OrganizationKind
    area_code: str = AREA_CODE
    party_parent_id: str | None = ID
    address: str = Field(default="", max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=10)
    tags: list[str] = Field(default_factory=list, max_length=30)
    credit_code: CreditCode | None = None

    @field_validator("tags")
    @classmethod
    def _short_tags(cls, tags: list[str]) -> list[str]:
        if any(not 1 <= len(t) <= 30 for t in tags):
            raise ValueError("a tag has 1 to 30 characters")
        return list(dict.fromkeys(tags))


class OrganizationCreate(OrganizationFields):
    code: str | None = CODE


class OrganizationUpdate(Patch):
    """The fields to change; those left out stay as they are (`party_parent_id` null: none)."""

    nullable = frozenset({"party_parent_id"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: OrganizationKind | None = None
    area_code: str | None = Field(default=None, pattern=AREA_PATTERN)
    party_parent_id: str | None = ID
    address: str | None = Field(default=None, max_length=300)
    contacts: list[ContactIn] | None = Field(default=None, max_length=10)
    tags: list[str] | None = Field(default=None, max_length=30)
    version: int = Field(ge=1, description="the version read: a concurrent change answers 409")


class StatusChange(Strict):
    status: OrganizationStatus
    reason: str = Field(min_length=1, max_length=500)


class OrganizationOut(BaseModel):
    id: str
    code: str
    name: str
    kind: OrganizationKind
    area_code: str
    party_parent_id: str | None
    address: str
    lat: float | None
    lon: float | None
    contacts: list[Contact]
    tags: list[str]
    status: OrganizationStatus
    credit_code: str | None
    members: int
    created_at: datetime
    updated_at: datetime
    version: int
