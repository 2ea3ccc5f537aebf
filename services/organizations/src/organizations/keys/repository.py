"""Where partner API keys are kept: one document each, with the hash of its secret only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from contract.events import Envelope
from organizations.keys.models import ApiKey
from runtime.repository import MongoRepository


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey, events: Sequence[Envelope]) -> None: ...

    async def update(
        self, key: ApiKey, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool: ...

    async def get(self, key_id: str) -> ApiKey | None: ...

    async def of_organization(self, organization_id: str) -> list[ApiKey]: ...


class MongoApiKeyRepository(MongoRepository[ApiKey]):
    model = ApiKey

    async def of_organization(self, organization_id: str) -> list[ApiKey]:
        return await self.page(after=None, limit=1000, where={"organization_id": organization_id})
