"""The registry's events: organisations and their members."""

from __future__ import annotations

from typing import Literal

from contract.events.base import Data, Envelope


class OrganizationRegisteredData(Data):
    organization_id: str
    name: str
    kind: str
    area_code: str


class OrganizationRegistered(Envelope):
    """Emitted when an organisation is first registered on the platform."""

    type: Literal["organization.registered"] = "organization.registered"
    data: OrganizationRegisteredData


class OrganizationUpdatedData(Data):
    organization_id: str
    name: str
    kind: str
    area_code: str
    status: str


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
