"""The organisation routes: registration, search, changes, status, and their members."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from contract.china_codes import mask_phone
from contract.events.organizations import OrganizationKind, OrganizationStatus
from contract.schemas import AREA_PATTERN
from organizations.deps import CallerDep, KnownCaller, MembersDep, OrganizationsDep, View
from organizations.disclosures import Audit
from organizations.keys.models import Scope
from organizations.members.api import member_out
from organizations.members.schemas import MemberOut
from organizations.organizations.models import Organization
from organizations.organizations.schemas import OrganizationCreate, OrganizationOut, OrganizationUpdate, StatusChange
from organizations.view import OrganizationSearch, RegistryView
from runtime.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/organizations", tags=["organizations"])
Id = Annotated[str, "an organisation's id"]


def organization_out(organization: Organization, view: RegistryView, *, own: bool) -> dict[str, Any]:
    """An organisation as answered; its contacts' phones are masked for anyone but itself."""
    contacts = [
        c.model_dump() if own else {**c.model_dump(), "phone": mask_phone(c.phone)} for c in organization.contacts
    ]
    return {**organization.model_dump(), "contacts": contacts, "members": view.members_of(organization.id)}


@router.post("", status_code=201, response_model=OrganizationOut)
async def register_organization(
    body: OrganizationCreate, organizations: OrganizationsDep, view: View, caller: KnownCaller, audit: Audit
) -> dict[str, Any]:
    """Registers an organisation (an administrator of its area); `organization.registered` follows on Kafka."""
    caller.require_area(body.area_code)
    organization = await organizations.register(body)
    await audit.contacts_changed(organization)
    return organization_out(organization, view, own=True)


@router.get("", response_model=Page[OrganizationOut])
async def search_organizations(
    view: View,
    caller: CallerDep,
    audit: Audit,
    name: Annotated[str | None, Query(min_length=1, max_length=100, description="part of the name")] = None,
    kind: OrganizationKind | None = None,
    area: Annotated[str | None, Query(pattern=AREA_PATTERN, description="an area node: its whole subtree")] = None,
    tag: Annotated[str | None, Query(max_length=30)] = None,
    status: OrganizationStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """Organisations by part of their name, kind, area subtree, tag and status, a page at a time."""
    query = OrganizationSearch(name=name, kind=kind, area=area, tag=tag, status=status)
    found = view.search(query, after=cursor, limit=limit)
    own = {o.id for o in found if caller.may(o, Scope.READ)}
    await audit.contacts_shown(o for o in found if o.id in own)
    return {**page_of(found, limit), "items": [organization_out(o, view, own=o.id in own) for o in found]}


@router.get("/by-code/{code}", response_model=OrganizationOut)
async def get_by_code(
    code: str, organizations: OrganizationsDep, view: View, caller: CallerDep, audit: Audit
) -> dict[str, Any]:
    """One organisation by its own (external) code."""
    organization_id = view.by_code.get(code, code)
    organization = organizations.get(organization_id)
    if own := caller.may(organization, Scope.READ):
        await audit.contacts_shown([organization])
    return organization_out(organization, view, own=own)


@router.get("/{organization_id}", response_model=OrganizationOut)
async def get_organization(
    organization_id: Id, organizations: OrganizationsDep, view: View, caller: CallerDep, audit: Audit
) -> dict[str, Any]:
    """One organisation by id."""
    organization = organizations.get(organization_id)
    if own := caller.may(organization, Scope.READ):
        await audit.contacts_shown([organization])
    return organization_out(organization, view, own=own)


@router.patch("/{organization_id}", response_model=OrganizationOut)
async def update_organization(
    organization_id: Id,
    body: OrganizationUpdate,
    organizations: OrganizationsDep,
    view: View,
    caller: KnownCaller,
    audit: Audit,
) -> dict[str, Any]:
    """Changes the fields sent; `version` must be the one read (409 otherwise). The organisation
    itself edits its profile; moving it to another area or Party parent takes an administrator of
    its area (and of the new one)."""
    current = organizations.get(organization_id)
    if body.model_fields_set & {"area_code", "party_parent_id"}:
        caller.require_area(current.area_code)
        caller.require_area(body.area_code or current.area_code)
    else:
        caller.require(current, Scope.PROFILE_WRITE)
    organization = await organizations.update(organization_id, body)
    if "contacts" in body.model_fields_set:
        await audit.contacts_changed(organization, cleared=True)
    else:
        await audit.contacts_shown([organization])
    return organization_out(organization, view, own=True)


@router.post("/{organization_id}/status", response_model=OrganizationOut)
async def change_status(
    organization_id: Id,
    body: StatusChange,
    organizations: OrganizationsDep,
    view: View,
    caller: KnownCaller,
    audit: Audit,
) -> dict[str, Any]:
    """Suspends, reinstates or dissolves the organisation, with the reason (an administrator of its area)."""
    caller.require_area(organizations.get(organization_id).area_code)
    organization = await organizations.change_status(organization_id, body)
    await audit.contacts_shown([organization])
    return organization_out(organization, view, own=True)


@router.get("/{organization_id}/members", response_model=Page[MemberOut])
async def members_of(
    organization_id: Id,
    organizations: OrganizationsDep,
    members: MembersDep,
    view: View,
    caller: KnownCaller,
    audit: Audit,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The organisation's members, for the organisation and its area's administrators; phones and
    ID numbers unmasked only for those who may read its members, a key with `members:read` (the
    audit log records every such view)."""
    caller.require(organizations.get(organization_id), Scope.READ)
    found = await members.of_organization(organization_id, after=cursor, limit=limit)
    if own := caller.may(view.organizations[organization_id], Scope.MEMBERS_READ):
        await audit.members_shown(found)
    return {**page_of(found, limit), "items": [member_out(m, own=own) for m in found]}
