"""双报到: a working Party member declares the community where they live, its administrator (or
one above it) accepts or declines; once accepted, the minutes the member is credited for work
done in that community are reported each month to the member's Party organisations."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime

from contract.areas import is_city
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events.points import RegistrationAccepted, RegistrationAcceptedData, Unit
from contract.ids import new_id
from points.registrations.models import Registration, Status, is_community
from points.registrations.report import MemberHours, Month, Report, hours_of, hours_text
from points.registrations.repository import Credits, Memberships, RegistrationRepository
from points.timebank.models import NOT_WORK
from runtime.actors import Actor, ActorKind

SOURCE = "points"


def _member(actor: Actor) -> str:
    """The member acting, or Forbidden: only a member (signed in for their organisation) declares."""
    if actor.kind is not ActorKind.ORGANIZATION or actor.member_id is None:
        raise Forbidden("only a Party member declares the community where they live", actor=actor.kind.value)
    return actor.member_id


class Registrations:
    def __init__(self, registrations: RegistrationRepository, memberships: Memberships, credits: Credits) -> None:
        self.registrations = registrations
        self.memberships = memberships
        self.credits = credits
        # a member's registrations change one decision at a time (the service has one writer)
        self._member_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def declare(self, actor: Actor, community_code: str, name: str, at: datetime) -> Registration:
        """The member declares the community where they live: waiting for its administrator.
        One declared earlier and not yet decided is withdrawn; the community they are registered
        in already is refused (Conflict)."""
        member_id = _member(actor)
        if not is_community(community_code):
            raise Unprocessable("a registration names a community: its 12-digit code", field="community_code")
        name = name.strip() or member_id
        async with self._member_locks[member_id]:
            mine = await self.registrations.of_member(member_id)
            current = _current(mine)
            if current is not None and current.community_code == community_code:
                raise Conflict("the member is registered in this community already", community_code=community_code)
            for waiting in (r for r in mine if r.status is Status.PENDING):
                withdrawn = waiting.model_copy(update={"status": Status.WITHDRAWN, "decided_at": at})
                await self.registrations.save(withdrawn, was=Status.PENDING, events=[])
            registration = Registration(
                id=new_id(),
                member_id=member_id,
                name=name,
                organization_id=actor.organization_id,
                community_code=community_code,
                status=Status.PENDING,
                declared_at=at,
            )
            await self.registrations.insert(registration)
            return registration

    async def decide(self, actor: Actor, registration_id: str, *, accept: bool, at: datetime) -> Registration:
        """The community's administrator (or one of a node above it) accepts or declines a
        registration waiting for them. Accepted, it ends the member's earlier registration and
        says so in `registration.accepted`."""
        found = await self.registrations.get(registration_id)
        if found is None:
            raise NotFound(f"no registration {registration_id!r}")
        if not actor.administers(found.community_code):
            raise Forbidden(
                "a registration is decided by its community's administrator", area_code=found.community_code
            )
        async with self._member_locks[found.member_id]:
            registration = await self.registrations.get(registration_id)
            if registration is None or registration.status is not Status.PENDING:
                status = registration.status.value if registration else "gone"
                raise Conflict(f"the registration is {status}, not waiting for a decision", status=status)
            if not accept:
                declined = registration.model_copy(update={"status": Status.DECLINED, "decided_at": at})
                await self._save(declined, [])
                return declined
            previous = _current(await self.registrations.of_member(registration.member_id))
            accepted = registration.model_copy(update={"status": Status.ACCEPTED, "decided_at": at})
            event = RegistrationAccepted(
                source=SOURCE,
                subject=accepted.id,
                data=RegistrationAcceptedData(
                    registration_id=accepted.id,
                    member_id=accepted.member_id,
                    community_code=accepted.community_code,
                    accepted_at=at,
                    ended_registration_id=previous.id if previous else None,
                ),
            )
            await self._save(accepted, [event])
            if previous is not None:  # after the new one: a crash between leaves the newer in force
                ended = previous.model_copy(update={"status": Status.ENDED, "ended_at": at})
                await self.registrations.save(ended, was=Status.ACCEPTED, events=[])
            return accepted

    async def _save(self, registration: Registration, events: list[RegistrationAccepted]) -> None:
        if not await self.registrations.save(registration, was=Status.PENDING, events=list(events)):
            raise Conflict("the registration was decided meanwhile", status="decided")

    async def mine(self, actor: Actor) -> list[Registration]:
        """The acting member's registrations, the latest declared first."""
        return await self.registrations.of_member(_member(actor))

    async def current(self, actor: Actor) -> Registration | None:
        """The acting member's registration in force, if any."""
        return _current(await self.mine(actor))

    async def waiting(self, actor: Actor, limit: int) -> list[Registration]:
        """The registrations waiting for the acting administrator: of the communities they administer."""
        if actor.kind is not ActorKind.AREA_ADMIN or actor.area_code is None:
            raise Forbidden("registrations are decided by community administrators", actor=actor.kind.value)
        prefix = actor.area_code[:4] if is_city(actor.area_code) else actor.area_code
        return await self.registrations.pending_under(prefix, limit)

    async def report(self, actor: Actor, organization_id: str, month: Month) -> Report:
        """For each member of the organisation registered in a community during `month`, the
        minutes they were credited for work done there in that month (while registered), with
        what the work was; for the organisation's administrators and a city's administrators."""
        if not (actor.runs_a_city or actor.kind is ActorKind.PLATFORM) and not (
            actor.is_organization(organization_id) and actor.member_id is None
        ):
            raise Forbidden("the report is for the organisation's administrators", organization_id=organization_id)
        start, end = month.bounds()
        members = list(await self.memberships.members_of({organization_id}))
        rows: list[MemberHours] = []
        for registration in sorted(await self.registrations.of_members(members), key=lambda r: (r.name, r.id)):
            period = registration.counts_between(start, end)
            if period is None:
                continue
            credited = await self.credits.credited(f"member:{registration.member_id}", Unit.MINUTES, *period)
            there = [
                m
                for m in credited
                if (m.area_code or "").startswith(registration.community_code) and m.cause_type not in NOT_WORK
            ]
            rows.append(hours_of(registration, there))
        minutes = sum(row.minutes for row in rows)
        return Report(
            organization_id=organization_id, month=str(month), minutes=minutes, hours=hours_text(minutes), members=rows
        )


def _current(registrations: list[Registration]) -> Registration | None:
    accepted = [r for r in registrations if r.status is Status.ACCEPTED and r.decided_at is not None]
    return max(accepted, key=lambda r: r.decided_at or r.declared_at, default=None)
