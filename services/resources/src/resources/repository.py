"""Where resources are kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from resources.models import Resource
from shared.events import Envelope
from shared.repository import MongoRepository


class ResourceRepository(Protocol):
    async def add(self, resource: Resource, events: Sequence[Envelope]) -> None: ...

    async def get(self, resource_id: str) -> Resource | None: ...

    async def page(
        self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[Resource]: ...


class MongoResourceRepository(MongoRepository[Resource]):
    model = Resource
