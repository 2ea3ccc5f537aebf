"""Fakes of the needs service's ports, for its unit and in-process API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from contract.errors import Forbidden, InvalidReference, NotFound
from contract.events import Envelope
from needs.needs.models import Need
from runtime.actors import Actor, ActorKind

POSTER, HELPER, OTHER, SUSPENDED = "a" * 32, "b" * 32, "c" * 32, "d" * 32
MEMBER, STRANGER = "e" * 32, "f" * 32
AREA = "350102001001"


def org(organization_id: str, area_code: str = AREA, member_id: str | None = None) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=area_code, member_id=member_id)


class FakeNeeds:
    """Keeps needs and the events written with them, as the outbox would, and tells the read
    model of every need written, as the repository does."""

    def __init__(self, read_model: Callable[[Need], None]) -> None:
        self.needs: dict[str, Need] = {}
        self.events: list[Envelope] = []
        self.read_model = read_model

    async def add(self, need: Need, events: Sequence[Envelope]) -> None:
        self.needs[need.id] = need.model_copy(deep=True)
        self.events += events
        self.read_model(need)

    async def get(self, need_id: str) -> Need | None:
        found = self.needs.get(need_id)
        return found.model_copy(deep=True) if found else None

    async def change(
        self, need_id: str, decide: Callable[[Need], Sequence[Envelope]], *, cached: Need | None = None
    ) -> tuple[Need, list[Envelope]]:
        current = self.needs.get(need_id)
        if current is None:
            raise NotFound(f"no need {need_id!r}")
        changed = current.model_copy(deep=True, update={"version": current.version + 1})
        events = list(decide(changed))
        if not events:
            self.read_model(current)
            return current, events
        self.needs[need_id] = changed
        self.events += events
        self.read_model(changed)
        return changed, events

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[Need]:
        return list(self.needs.values())[:limit]

    async def all(self) -> AsyncIterator[Need]:
        for need in self.needs.values():
            yield need

    async def insert_many(self, aggregates: Sequence[tuple[Need, Sequence[Envelope]]], *, group: str) -> int:
        fresh = [need for need, _ in aggregates if need.id not in self.needs]
        for need in fresh:
            self.needs[need.id] = need
        for need, _ in aggregates:
            self.read_model(need)
        return len(fresh)

    async def announce(self, event: Envelope) -> None:
        self.events.append(event)

    def types(self) -> list[str]:
        return [e.type for e in self.events]


class FakeKnownOrganizations:
    """POSTER, HELPER and OTHER are known; SUSPENDED is too, but may not act; MEMBER belongs to HELPER."""

    async def require(self, organization_id: str) -> dict[str, Any]:
        if organization_id not in (POSTER, HELPER, OTHER, SUSPENDED):
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        return {"_id": organization_id, "name": "测试", "area_code": AREA}

    async def require_active(self, organization_id: str) -> dict[str, Any]:
        found = await self.require(organization_id)
        if organization_id == SUSPENDED:
            raise Forbidden("the organization is suspended: it may not act on the platform", status="suspended")
        return found

    async def require_member(self, organization_id: str, member_id: str) -> None:
        if (organization_id, member_id) != (HELPER, MEMBER):
            raise Forbidden("a member acts only through an organisation they belong to", member_id=member_id)
