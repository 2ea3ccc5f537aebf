"""Fakes of the needs service's ports, for its unit and in-process API tests."""

from __future__ import annotations

import hashlib
from typing import Any

from contract.errors import Forbidden, InvalidReference
from devkit.fakes import FakeRepository
from needs.evaluations.models import Evaluation
from needs.needs.models import Need
from needs.wishes.models import Photo, Proof
from runtime.actors import Actor, ActorKind

POSTER, HELPER, OTHER, SUSPENDED = "a" * 32, "b" * 32, "c" * 32, "d" * 32
MEMBER, STRANGER = "e" * 32, "f" * 32
AREA = "350102001001"


def org(organization_id: str, area_code: str = AREA, member_id: str | None = None) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=area_code, member_id=member_id)


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
