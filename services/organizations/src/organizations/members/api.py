"""The member routes: people of one or more organisations, their personal data masked in public."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from contract.china_codes import mask_id_number, mask_phone
from contract.errors import Forbidden
from organizations.deps import Caller, KnownCaller, MembersDep, OrganizationsDep, View
from organizations.disclosures import Audit
from organizations.keys.models import Scope
from organizations.members.models import Member
from organizations.members.schemas import MemberCreate, MemberOut
from organizations.view import RegistryView

router = APIRouter(prefix="/members", tags=["members"])


def member_out(member: Member, *, own: bool) -> dict[str, Any]:
    """`own`: the caller administers one of the member's organisations and sees all of it."""
    shown = member.model_dump(exclude={"source_digest"})
    if not own:
        shown |= {"phone": mask_phone(member.phone), "id_number": mask_id_number(member.id_number)}
    return shown


def _may(caller: Caller, member: Member, scope: Scope, view: RegistryView) -> bool:
    """Whether the caller may act within `scope` on one of the member's organisations."""
    return any(o in view.organizations and caller.may(view.organizations[o], scope) for o in member.organization_ids)


@router.post("", status_code=201, response_model=MemberOut)
async def add_member(
    body: MemberCreate, members: MembersDep, view: View, caller: KnownCaller, audit: Audit
) -> dict[str, Any]:
    """Adds a person to their organisations (each organisation itself or an administrator of its
    area); one `member.joined` each follows on Kafka."""
    for organization_id in body.organization_ids:
        if organization_id in view.organizations:  # an unknown one is refused by the use case
            caller.require(view.organizations[organization_id], Scope.MEMBERS_WRITE)
    member = await members.add(body)
    await audit.member_changed(member)
    if own := _may(caller, member, Scope.MEMBERS_READ, view):
        await audit.members_shown([member])
    return member_out(member, own=own)


@router.get("/{member_id}", response_model=MemberOut)
async def get_member(
    member_id: str, members: MembersDep, view: View, caller: KnownCaller, audit: Audit
) -> dict[str, Any]:
    """One member, for the member themself, their organisations and their areas' administrators;
    phone and ID number masked unless the caller may read the members of one of them (the audit
    log records every unmasked view)."""
    member = await members.get(member_id)
    themself = caller.actor is not None and caller.actor.member_id == member.id
    if not (themself or _may(caller, member, Scope.READ, view)):
        raise Forbidden("a member is seen by their organisations and their areas' administrators only")
    if own := themself or _may(caller, member, Scope.MEMBERS_READ, view):
        await audit.members_shown([member])
    return member_out(member, own=own)


@router.delete("/{member_id}/organizations/{organization_id}", response_model=MemberOut)
async def leave(
    member_id: str,
    organization_id: str,
    organizations: OrganizationsDep,
    members: MembersDep,
    view: View,
    caller: KnownCaller,
    audit: Audit,
) -> dict[str, Any]:
    """Ends one membership (the organisation itself or an administrator of its area); `member.left`
    follows on Kafka."""
    caller.require(organizations.get(organization_id), Scope.MEMBERS_WRITE)
    member = await members.leave(member_id, organization_id)
    if own := _may(caller, member, Scope.MEMBERS_READ, view):
        await audit.members_shown([member])
    return member_out(member, own=own)
