"""What the registry's HTTP API reads and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from contract.china_codes import credit_code_problem, id_number_problem
from contract.schemas import AREA_CODE, AREA_PATTERN, ID, Patch
from organizations.models import AreaLevel, Contact, MemberRole, OrganizationKind, OrganizationStatus, Scope


def _credit_code(value: str) -> str:
    if problem := credit_code_problem(value):
        raise ValueError(problem)
    return value


def _id_number(value: str) -> str:
    if value and (problem := id_number_problem(value)):
        raise ValueError(problem)
    return value.upper()


Phone = Annotated[str, Field(pattern=r"^1[3-9][0-9]{9}$", examples=["13800001234"])]
CreditCode = Annotated[str, AfterValidator(_credit_code), Field(description="统一社会信用代码, 18 characters")]
IdNumber = Annotated[str, AfterValidator(_id_number), Field(description="居民身份证号码, 18 characters, or empty")]
CODE = Field(
    default=None, min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$", description="its own (external) code"
)
TAG = Field(min_length=1, max_length=30)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AreaNodeCreate(Strict):
    code: str = AREA_CODE
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=100)
    level: AreaLevel
    parent_code: str | None = Field(default=None, pattern=AREA_PATTERN)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class AreaNodeOut(BaseModel):
    code: str
    name: str
    name_en: str
    level: AreaLevel
    parent_code: str | None
    lat: float | None
    lon: float | None
    organizations: int = Field(description="organisations in the node's whole subtree")
    members: int = Field(description="members whose own organisation is in the subtree")


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


class MemberCreate(Strict):
    code: str | None = CODE
    name: str = Field(min_length=1, max_length=50)
    phone: Phone
    id_number: IdNumber = ""
    roles: list[MemberRole] = Field(min_length=1, max_length=5)
    organization_ids: list[str] = Field(min_length=1, max_length=20, description="their own organisation first")

    @field_validator("organization_ids")
    @classmethod
    def _ids(cls, ids: list[str]) -> list[str]:
        if any(len(i) != 32 or not all(c in "0123456789abcdef" for c in i) for i in ids):
            raise ValueError("organisation ids are 32 hexadecimal characters")
        return list(dict.fromkeys(ids))


class MemberOut(BaseModel):
    """Phone and ID number are masked unless the caller administers one of the member's organisations."""

    id: str
    code: str
    name: str
    phone: str
    id_number: str
    roles: list[MemberRole]
    organization_ids: list[str]
    created_at: datetime


class ApiKeyCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["幸福通 mini-program"])
    scopes: list[Scope] = Field(min_length=1)


class ApiKeyOut(BaseModel):
    id: str
    organization_id: str
    name: str
    scopes: list[Scope]
    created_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None


class ApiKeyIssued(ApiKeyOut):
    key: str = Field(description="shown once: only its hash is kept")


class ApiKeyCheck(Strict):
    key: str = Field(min_length=10, max_length=200)


class ApiKeyIdentity(BaseModel):
    key_id: str
    organization_id: str
    scopes: list[Scope]
