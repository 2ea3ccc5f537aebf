"""A member: a person of one or more organisations, with their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from contract.aggregates import Aggregate
from organizations.common import now


class MemberRole(StrEnum):
    PARTY_MEMBER = "party_member"
    VOLUNTEER = "volunteer"
    BUILDING_HEAD = "building_head"
    GRID_WORKER = "grid_worker"
    ADMINISTRATOR = "administrator"


class Member(Aggregate):
    """A person; `organization_ids` starts with their own organisation."""

    code: str
    name: str
    phone: str
    id_number: str = ""
    roles: list[MemberRole]
    organization_ids: list[str]
    created_at: datetime = Field(default_factory=now)
    source_digest: str = ""
