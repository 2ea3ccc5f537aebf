"""Fakes of the co-building service's ports, for its unit tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cobuilding.agreements.models import Agreement, Booked
from cobuilding.concerns.models import Concern
from contract.errors import Forbidden, InvalidReference
from contract.events.resources import ResourceData, ResourceKind
from devkit.fakes import FakeRepository


class FakeConcerns(FakeRepository[Concern]):
    async def overdue(self, moment: datetime) -> list[str]:
        return [
            c.id for c in self.saved.values() if c.status == "waiting" and c.level != "district" and c.due_at < moment
        ]


class FakePhotos:
    def __init__(self) -> None:
        self.kept: dict[str, tuple[bytes, str]] = {}

    async def put(self, content: bytes, content_type: str) -> str:
        digest = hashlib.sha256(content).hexdigest()
        self.kept[digest] = (content, content_type)
        return digest

    async def get(self, digest: str) -> tuple[bytes, str] | None:
        return self.kept.get(digest)


UNION, RESCUE, SCHOOL, SUSPENDED = "1" * 32, "2" * 32, "3" * 32, "4" * 32
AREA = "350102001001"


class FakeAgreements(FakeRepository[Agreement]):
    async def having_commitment(self, commitment_id: str) -> str | None:
        return next((a.id for a in self.saved.values() if a.commitment(commitment_id)), None)


class FakeBooked:
    def __init__(self) -> None:
        self.kept: dict[str, Booked] = {}

    async def put(self, booked: Booked) -> None:
        self.kept[booked.booking_id] = booked

    async def of(self, commitment_ids: Sequence[str]) -> list[Booked]:
        return [b for b in self.kept.values() if b.commitment_id in commitment_ids]


class FakeVenues:
    """A venue of the union's (`UNION_HALL`) and a lendable of the rescue team's."""

    UNION_HALL, RESCUE_KIT = "a" * 32, "b" * 32

    async def get(self, venue_id: str) -> ResourceData | None:
        owned = {self.UNION_HALL: (UNION, ResourceKind.VENUE), self.RESCUE_KIT: (RESCUE, ResourceKind.LENDABLE)}
        if venue_id not in owned:
            return None
        owner, kind = owned[venue_id]
        return ResourceData(
            resource_id=venue_id,
            organization_id=owner,
            kind=kind,
            name="x",
            category="party_education",
            area_code=AREA,
            capacity=30,
        )


class FakeOrganizations:
    """UNION, RESCUE and SCHOOL may act; SUSPENDED is known but may not."""

    async def require(self, organization_id: str) -> dict[str, Any]:
        if organization_id not in (UNION, RESCUE, SCHOOL, SUSPENDED):
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        return {"_id": organization_id, "name": "测试", "area_code": AREA}

    async def require_active(self, organization_id: str) -> dict[str, Any]:
        found = await self.require(organization_id)
        if organization_id == SUSPENDED:
            raise Forbidden("the organization is suspended", status="suspended")
        return found

    async def require_member(self, organization_id: str, member_id: str) -> None:
        raise Forbidden("no members here")
