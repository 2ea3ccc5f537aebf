"""What the member routes read and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator

from contract.china_codes import id_number_problem
from organizations.common import CODE, Phone, Strict
from organizations.members.models import MemberRole


def _id_number(value: str) -> str:
    if value and (problem := id_number_problem(value)):
        raise ValueError(problem)
    return value.upper()


IdNumber = Annotated[str, AfterValidator(_id_number), Field(description="居民身份证号码, 18 characters, or empty")]


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
