"""The registry's events: organisations and their members."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from contract.events.base import Data, Envelope


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


class OrganizationRegisteredData(Data):
    organization_id: str
    name: str
    kind: OrganizationKind
    area_code: str


class OrganizationRegistered(Envelope):
    """Emitted when an organisation is first registered on the platform."""

    type: Literal["organization.registered"] = "organization.registered"
    data: OrganizationRegisteredData


class OrganizationUpdatedData(Data):
    organization_id: str
    name: str
    kind: OrganizationKind
    area_code: str
    status: OrganizationStatus


class OrganizationUpdated(Envelope):
    """Emitted when an organisation's name, kind, place or status changes (a re-import too)."""

    type: Literal["organization.updated"] = "organization.updated"
    data: OrganizationUpdatedData


class OrganizationSuspendedData(Data):
    organization_id: str
    reason: str


class OrganizationSuspended(Envelope):
    """Emitted when an organisation is suspended: it may no longer post, share or claim."""

    type: Literal["organization.suspended"] = "organization.suspended"
    data: OrganizationSuspendedData


class MemberJoinedData(Data):
    member_id: str
    organization_id: str
    roles: list[str]


class MemberJoined(Envelope):
    """Emitted when a person becomes a member of an organisation (one event per organisation)."""

    type: Literal["member.joined"] = "member.joined"
    data: MemberJoinedData


class MemberLeftData(Data):
    member_id: str
    organization_id: str


class MemberLeft(Envelope):
    """Emitted when a person stops being a member of an organisation."""

    type: Literal["member.left"] = "member.left"
    data: MemberLeftData
