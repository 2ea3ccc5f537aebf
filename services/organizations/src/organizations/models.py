"""The registry's domain: organisations of many kinds, placed in the area hierarchy."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import Field

from shared.repository import Aggregate


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


class Organization(Aggregate):
    name: str
    kind: OrganizationKind
    area_code: str
    parent_id: str | None = None
    status: OrganizationStatus = OrganizationStatus.ACTIVE
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    version: int = 1
