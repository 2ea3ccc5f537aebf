"""Where organisations are kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from organizations.models import Organization
from shared.events import Envelope
from shared.repository import MongoRepository


class OrganizationRepository(Protocol):
    async def add(self, organization: Organization, events: Sequence[Envelope]) -> None: ...

    async def get(self, organization_id: str) -> Organization | None: ...

    async def page(self, *, after: str | None, limit: int) -> list[Organization]: ...


class MongoOrganizationRepository(MongoRepository[Organization]):
    model = Organization
