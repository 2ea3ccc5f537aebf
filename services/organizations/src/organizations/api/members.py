"""Members: people of one or more organisations, their personal data masked in public."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from organizations import service
from organizations.api.deps import Caller, CallerDep, Members, View
from organizations.api.disclosures import Audit
from organizations.models import Member, Scope
from organizations.schemas import MemberCreate, MemberOut
from shared.china_codes import mask_id_number, mask_phone

router = APIRouter(prefix="/members", tags=["members"])


def member_out(member: Member, *, own: bool) -> dict[str, Any]:
    """`own`: the caller administers one of the member's organisations and sees all of it."""
    shown = member.model_dump(exclude={"source_digest"})
    if not own:
        shown |= {"phone": mask_phone(member.phone), "id_number": mask_id_number(member.id_number)}
    return shown


def administers(caller: Caller, member: Member) -> bool:
    return any(caller.may(o, Scope.MEMBERS_READ) for o in member.organization_ids)


@router.post("", status_code=201, response_model=MemberOut)
async def add_member(
    body: MemberCreate, members: Members, view: View, caller: CallerDep, audit: Audit
) -> dict[str, Any]:
    """Adds a person to their organisations; one `member.joined` each follows on Kafka."""
    member = await service.add_member(body, members=members, view=view)
    await audit.member_changed(member)
    return member_out(member, own=administers(caller, member))


@router.get("/{member_id}", response_model=MemberOut)
async def get_member(member_id: str, members: Members, caller: CallerDep, audit: Audit) -> dict[str, Any]:
    """One member; phone and ID number masked unless the caller administers their organisation
    (the audit log records every unmasked view)."""
    member = await service.get_member(member_id, members=members)
    if own := administers(caller, member):
        await audit.members_shown([member])
    return member_out(member, own=own)


@router.delete("/{member_id}/organizations/{organization_id}", response_model=MemberOut)
async def leave(
    member_id: str, organization_id: str, members: Members, view: View, caller: CallerDep, audit: Audit
) -> dict[str, Any]:
    """Ends one membership; `member.left` follows on Kafka."""
    caller.require(organization_id, Scope.MEMBERS_READ)
    member = await service.leave_organization(member_id, organization_id, members=members, view=view)
    await audit.members_shown([member])
    return member_out(member, own=True)
