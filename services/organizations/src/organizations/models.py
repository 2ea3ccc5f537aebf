"""The registry's domain: the area hierarchy, organisations, their members and partner keys."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from contract.aggregates import Aggregate


def _now() -> datetime:
    return datetime.now(UTC)


class AreaLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    BUILDING = "building"


LEVEL_DEPTH = {level: depth for depth, level in enumerate(AreaLevel)}


class AreaNode(Aggregate):
    """A node of the area hierarchy; its id is its code."""

    name: str
    name_en: str = ""
    level: AreaLevel
    parent_code: str | None = None
    lat: float | None = None
    lon: float | None = None


class OrganizationKind(StrEnum):
    PARTY_COMMITTEE = "party_committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"
    PARTY_GROUP = "party_group"
    PRIVATE_ENTERPRISE = "private_enterprise"
    SOCIAL_ORGANIZATION = "social_organization"
    GOVERNMENT_UNIT = "government_unit"
    SCHOOL = "school"
    HOSPITAL = "hospital"
    SHOP = "shop"
    COMMERCIAL_BUILDING = "commercial_building"
    BUSINESS_DISTRICT = "business_district"
    INDUSTRIAL_PARK = "industrial_park"
    INTERNET_COMPANY = "internet_company"
    UNION = "union"
    COMMUNITY = "community"


class OrganizationStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DISSOLVED = "dissolved"


class Contact(BaseModel):
    name: str
    phone: str = ""


class Organization(Aggregate):
    code: str
    name: str
    kind: OrganizationKind
    area_code: str
    party_parent_id: str | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    contacts: list[Contact] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    status: OrganizationStatus = OrganizationStatus.ACTIVE
    credit_code: str | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    version: int = 1
    source_digest: str = ""  # of the import row it was last written from: an unchanged row is skipped


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
    created_at: datetime = Field(default_factory=_now)
    source_digest: str = ""


class ImportKind(StrEnum):
    AREAS = "areas"
    ORGANIZATIONS = "organizations"
    MEMBERS = "members"


class ImportStatus(StrEnum):
    VALIDATING = "validating"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the service stopped mid-import: upload the file again to finish


class RowError(BaseModel):
    row: int  # 1 is the header: data starts at row 2, as a spreadsheet numbers them
    field: str
    reason: str


class ImportJob(Aggregate):
    kind: ImportKind
    filename: str
    status: ImportStatus = ImportStatus.VALIDATING
    total_rows: int = 0
    valid_rows: int = 0
    unchanged_rows: int = 0
    applied_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = Field(default_factory=list)  # the first 1,000
    message: str = ""
    created_at: datetime = Field(default_factory=_now)
    finished_at: datetime | None = None


class Scope(StrEnum):
    READ = "read"
    MEMBERS_READ = "members:read"
    MEMBERS_WRITE = "members:write"
    PROFILE_WRITE = "profile:write"
    NEEDS_WRITE = "needs:write"
    RESOURCES_WRITE = "resources:write"
    MATCHES_DECIDE = "matches:decide"
    KEYS_MANAGE = "keys:manage"


class ApiKey(Aggregate):
    """A partner's key: it acts for its own organisation only, within its scopes. Only a hash
    of its secret is kept."""

    organization_id: str
    name: str
    scopes: list[Scope]
    secret_sha256: str
    created_at: datetime = Field(default_factory=_now)
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
