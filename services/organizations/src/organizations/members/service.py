"""The members' use cases: a person added to their organisations, found, and leaving one of
them; each membership begun or ended is announced."""

from __future__ import annotations

from contract.errors import Conflict, InvalidReference, NotFound
from contract.events import construct
from contract.events.organizations import MemberJoined, MemberJoinedData, MemberLeft, MemberLeftData
from contract.ids import entity_id, new_id
from organizations.common import SOURCE
from organizations.members.models import Member
from organizations.members.repository import MemberRepository
from organizations.members.schemas import MemberCreate
from organizations.view import RegistryView

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


class Members:
    def __init__(self, repo: MemberRepository, view: RegistryView) -> None:
        self.repo = repo
        self.view = view

    async def add(self, cmd: MemberCreate) -> Member:
        """Adds a person to their organisations; each membership is announced."""
        for organization_id in cmd.organization_ids:
            if organization_id not in self.view.organizations:
                raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_ids")
        member_id = entity_id("member", cmd.code) if cmd.code else new_id()
        if member_id in self.view.memberships:
            raise Conflict(f"a member with code {cmd.code!r} exists already", field="code")
        member = Member(id=member_id, code=cmd.code or member_id, **cmd.model_dump(exclude={"code"}))
        await self.repo.add(member, [joined(member, o) for o in member.organization_ids])
        return member

    async def get(self, member_id: str) -> Member:
        member = await self.repo.get(member_id)
        if member is None:
            raise NotFound(f"no member {member_id!r}")
        return member

    async def of_organization(self, organization_id: str, *, after: str | None, limit: int) -> list[Member]:
        """A page of the organisation's members, in id order after the cursor."""
        return await self.repo.of_organization(organization_id, after=after, limit=limit)

    async def leave(self, member_id: str, organization_id: str) -> Member:
        """Ends one membership; the person stays a member of their other organisations."""
        member = await self.get(member_id)
        if organization_id not in member.organization_ids:
            raise NotFound(f"member {member_id!r} is not a member of {organization_id!r}")
        remaining = [o for o in member.organization_ids if o != organization_id]
        changed = member.model_copy(update={"organization_ids": remaining})
        await self.repo.update(changed, [left(member_id, organization_id)])
        return changed
