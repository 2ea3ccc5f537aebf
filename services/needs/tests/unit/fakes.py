"""Fakes of the needs service's ports, for its unit and in-process API tests."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from contract.aggregates import Versioned
from contract.errors import Conflict, Forbidden, InvalidReference, NotFound
from contract.events import Envelope
from needs.evaluations.models import Evaluation
from needs.needs.models import Need
from needs.wishes.models import Photo, Proof
from runtime.actors import Actor, ActorKind

POSTER, HELPER, OTHER, SUSPENDED = "a" * 32, "b" * 32, "c" * 32, "d" * 32
MEMBER, STRANGER = "e" * 32, "f" * 32
AREA = "350102001001"
A = TypeVar("A", bound=Versioned)


def org(organization_id: str, area_code: str = AREA, member_id: str | None = None) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=area_code, member_id=member_id)


class FakeRepository(Generic[A]):
    """Keeps aggregates and the events written with them, as the outbox would, and tells the
    read model of every aggregate written, as the repository does."""

    def __init__(self, read_model: Callable[[A], None] = lambda _: None) -> None:
        self.saved: dict[str, A] = {}
        self.events: list[Envelope] = []
        self.read_model = read_model

    async def add(self, aggregate: A, events: Sequence[Envelope]) -> None:
        if aggregate.id in self.saved:
            raise Conflict(f"{aggregate.id!r} exists already", id=aggregate.id)
        self.saved[aggregate.id] = aggregate.model_copy(deep=True)
        self.events += events
        self.read_model(aggregate)

    async def get(self, aggregate_id: str) -> A | None:
        found = self.saved.get(aggregate_id)
        return found.model_copy(deep=True) if found else None

    async def change(
        self,
        aggregate_id: str,
        decide: Callable[[A], Sequence[Envelope]],
        *,
        cached: A | None = None,
        quiet: bool = False,
    ) -> tuple[A, list[Envelope]]:
        current = self.saved.get(aggregate_id)
        if current is None:
            raise NotFound(f"no such aggregate {aggregate_id!r}")
        changed = current.model_copy(deep=True, update={"version": current.version + 1})
        events = list(decide(changed))
        if not events and not quiet:
            self.read_model(current)
            return current, events
        self.saved[aggregate_id] = changed
        self.events += events
        self.read_model(changed)
        return changed, events

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[A]:
        return list(self.saved.values())[:limit]

    async def page_kept(
        self, keep: Callable[[A], bool], *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[A]:
        """As the repository's, `where` left to `keep` (the tests' `keep`s say all that matters)."""
        return [
            a for a in sorted(self.saved.values(), key=lambda a: a.id) if keep(a) and (after is None or a.id > after)
        ][:limit]

    async def all(self) -> AsyncIterator[A]:
        for aggregate in self.saved.values():
            yield aggregate

    async def insert_many(self, aggregates: Sequence[tuple[A, Sequence[Envelope]]], *, group: str) -> int:
        fresh = [(aggregate, events) for aggregate, events in aggregates if aggregate.id not in self.saved]
        for aggregate, events in fresh:
            self.saved[aggregate.id] = aggregate
            self.events += events
            self.read_model(aggregate)
        return len(fresh)

    async def announce(self, event: Envelope) -> None:
        self.events.append(event)

    def types(self) -> list[str]:
        return [e.type for e in self.events]


class FakeNeeds(FakeRepository[Need]):
    @property
    def needs(self) -> dict[str, Need]:
        return self.saved


class FakeEvaluations(FakeRepository[Evaluation]):
    async def latest(self, organization_id: str, *, limit: int) -> list[Evaluation]:
        given = [e for e in self.saved.values() if e.organization_id == organization_id and e.given_at is not None]
        return sorted(given, key=lambda e: e.given_at or e.opens_at, reverse=True)[:limit]

    async def stars(self, organization_id: str) -> list[int]:
        return [e.stars for e in self.saved.values() if e.organization_id == organization_id and e.stars is not None]


class FakeProofs:
    """Keeps proof photos by their digest."""

    def __init__(self) -> None:
        self.photos: dict[str, Photo] = {}

    async def put(self, content: bytes, content_type: str) -> Proof:
        proof = Proof(sha256=hashlib.sha256(content).hexdigest(), content_type=content_type, size=len(content))
        self.photos[proof.sha256] = Photo(content, content_type)
        return proof

    async def get(self, digest: str) -> Photo | None:
        return self.photos.get(digest)


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
