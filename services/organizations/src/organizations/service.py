"""The registry's use cases: the area tree, organisations and their members."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contract.errors import Conflict, InvalidReference, NotFound, Unprocessable
from contract.events import Envelope, construct, data_of
from contract.events.organizations import (
    MemberJoined,
    MemberJoinedData,
    MemberLeft,
    MemberLeftData,
    OrganizationRegistered,
    OrganizationRegisteredData,
    OrganizationSuspended,
    OrganizationSuspendedData,
    OrganizationUpdated,
    OrganizationUpdatedData,
)
from contract.ids import entity_id, new_id
from organizations.models import (
    LEVEL_DEPTH,
    AreaNode,
    Contact,
    Member,
    Organization,
    OrganizationStatus,
)
from organizations.repository import MemberRepository, OrganizationRepository
from organizations.schemas import AreaNodeCreate, MemberCreate, OrganizationCreate, OrganizationUpdate, StatusChange
from organizations.view import RegistryView
from runtime.repository import MongoRepository

SOURCE = "/services/organizations"


# --- the area tree ----------------------------------------------------------------------


def check_area(level: str, parent_code: str | None, *, view: RegistryView) -> str | None:
    """Why a node cannot join the tree as given, or None."""
    if parent_code is None:
        return None if level == "city" else "only the city has no parent"
    parent = view.areas.get(parent_code)
    if parent is None:
        return f"unknown parent area {parent_code!r}"
    if LEVEL_DEPTH[parent.level] + 1 != LEVEL_DEPTH[level]:  # type: ignore[index]
        return f"a {level} cannot be placed under a {parent.level}"
    return None


async def add_area(cmd: AreaNodeCreate, *, areas: MongoRepository[AreaNode], view: RegistryView) -> AreaNode:
    """Adds a node under its parent, one level below it."""
    if cmd.code in view.areas:
        raise Conflict(f"area {cmd.code!r} exists already", field="code")
    if problem := check_area(cmd.level, cmd.parent_code, view=view):
        raise Unprocessable(problem, field="parent_code")
    node = AreaNode(id=cmd.code, **cmd.model_dump(exclude={"code"}))
    await areas.add(node, [])
    return node


def get_area(code: str, *, view: RegistryView) -> AreaNode:
    """One node, or NotFound."""
    if code not in view.areas:
        raise NotFound(f"no area {code!r}")
    return view.areas[code]


# --- organisations ----------------------------------------------------------------------


def registered(organization: Organization) -> OrganizationRegistered:
    data = data_of(OrganizationRegisteredData, organization, organization_id=organization.id)
    return OrganizationRegistered(source=SOURCE, subject=organization.id, data=data)


def updated(organization: Organization) -> OrganizationUpdated:
    data = data_of(OrganizationUpdatedData, organization, organization_id=organization.id)
    return OrganizationUpdated(source=SOURCE, subject=organization.id, data=data)


def check_party_parent(organization_id: str, parent_id: str | None, *, view: RegistryView) -> str | None:
    """Why `parent_id` cannot be the organisation's Party parent, or None."""
    if parent_id is None:
        return None
    if parent_id not in view.organizations:
        return f"unknown party parent organization {parent_id!r}"
    if parent_id == organization_id or organization_id in view.party_ancestors(parent_id):
        return "that party parent would make a cycle in the Party hierarchy"
    return None


async def register_organization(
    cmd: OrganizationCreate, *, repo: OrganizationRepository, view: RegistryView
) -> Organization:
    """Registers an organisation in its area (and under its Party parent) and announces it."""
    if cmd.code is not None and cmd.code in view.by_code:
        raise Conflict(f"an organization with code {cmd.code!r} exists already", field="code")
    if cmd.area_code not in view.areas:
        raise InvalidReference(f"unknown area {cmd.area_code!r}", field="area_code")
    organization_id = entity_id("organization", cmd.code) if cmd.code else new_id()
    if problem := check_party_parent(organization_id, cmd.party_parent_id, view=view):
        raise InvalidReference(problem, field="party_parent_id")
    organization = Organization(
        id=organization_id,
        code=cmd.code or organization_id,
        contacts=[Contact(**c.model_dump()) for c in cmd.contacts],
        **cmd.model_dump(exclude={"code", "contacts"}),
    )
    await repo.add(organization, [registered(organization)])
    return organization


def get_organization(organization_id: str, *, view: RegistryView) -> Organization:
    """One organisation, or NotFound."""
    if organization_id not in view.organizations:
        raise NotFound(f"no organization {organization_id!r}")
    return view.organizations[organization_id]


async def _save(
    current: Organization,
    changes: dict[str, Any],
    events: list[Envelope],
    *,
    repo: OrganizationRepository,
    view: RegistryView,
) -> Organization:
    changed = current.model_copy(update={**changes, "version": current.version + 1, "updated_at": datetime.now(UTC)})
    if not await repo.update(changed, [*events, updated(changed)], expected_version=current.version):
        raise Conflict("the organization was changed meanwhile: read it again", version=current.version)
    return changed


async def update_organization(
    organization_id: str, cmd: OrganizationUpdate, *, repo: OrganizationRepository, view: RegistryView
) -> Organization:
    """Changes the fields given, if the version read is still the current one."""
    current = get_organization(organization_id, view=view)
    if cmd.version != current.version:
        raise Conflict("the organization was changed meanwhile: read it again", version=current.version)
    changes = cmd.model_dump(exclude_unset=True, exclude={"version"})
    if "area_code" in changes and changes["area_code"] not in view.areas:
        raise InvalidReference(f"unknown area {changes['area_code']!r}", field="area_code")
    if "party_parent_id" in changes and (
        problem := check_party_parent(organization_id, changes["party_parent_id"], view=view)
    ):
        raise InvalidReference(problem, field="party_parent_id")
    if "contacts" in changes:
        changes["contacts"] = [Contact(**c) for c in changes["contacts"]]
    return await _save(current, changes, [], repo=repo, view=view)


async def change_status(
    organization_id: str, cmd: StatusChange, *, repo: OrganizationRepository, view: RegistryView
) -> Organization:
    """Suspends, reinstates or dissolves an organisation; a suspension is announced as such."""
    current = get_organization(organization_id, view=view)
    if current.status == OrganizationStatus.DISSOLVED:
        raise Conflict("a dissolved organization cannot change its status", status=current.status)
    events: list[Envelope] = []
    if cmd.status == OrganizationStatus.SUSPENDED:
        data = OrganizationSuspendedData(organization_id=organization_id, reason=cmd.reason)
        events.append(OrganizationSuspended(source=SOURCE, subject=organization_id, data=data))
    return await _save(current, {"status": cmd.status}, events, repo=repo, view=view)


# --- members ----------------------------------------------------------------------------


# Membership events are made by the hundred thousand in an import, from values already
# validated: constructing them without validating again is what keeps an import fast.


def joined(member: Member, organization_id: str) -> MemberJoined:
    data = MemberJoinedData.model_construct(
        member_id=member.id, organization_id=organization_id, roles=[str(r) for r in member.roles]
    )
    return construct(MemberJoined, source=SOURCE, subject=member.id, data=data)


def left(member_id: str, organization_id: str) -> MemberLeft:
    data = MemberLeftData.model_construct(member_id=member_id, organization_id=organization_id)
    return construct(MemberLeft, source=SOURCE, subject=member_id, data=data)


async def add_member(cmd: MemberCreate, *, members: MemberRepository, view: RegistryView) -> Member:
    """Adds a person to their organisations; each membership is announced."""
    for organization_id in cmd.organization_ids:
        if organization_id not in view.organizations:
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_ids")
    member_id = entity_id("member", cmd.code) if cmd.code else new_id()
    if member_id in view.memberships:
        raise Conflict(f"a member with code {cmd.code!r} exists already", field="code")
    member = Member(id=member_id, code=cmd.code or member_id, **cmd.model_dump(exclude={"code"}))
    await members.add(member, [joined(member, o) for o in member.organization_ids])
    return member


async def get_member(member_id: str, *, members: MemberRepository) -> Member:
    member = await members.get(member_id)
    if member is None:
        raise NotFound(f"no member {member_id!r}")
    return member


async def leave_organization(
    member_id: str, organization_id: str, *, members: MemberRepository, view: RegistryView
) -> Member:
    """Ends one membership; the person stays a member of their other organisations."""
    member = await get_member(member_id, members=members)
    if organization_id not in member.organization_ids:
        raise NotFound(f"member {member_id!r} is not a member of {organization_id!r}")
    remaining = [o for o in member.organization_ids if o != organization_id]
    changed = member.model_copy(update={"organization_ids": remaining})
    await members.update(changed, [left(member_id, organization_id)])
    return changed
