"""Where the registry keeps its aggregates: one collection each, events in the same documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from organizations.models import ApiKey, AreaNode, ImportJob, Member, Organization
from shared.events import Envelope
from shared.mongo import document_lock
from shared.repository import MongoRepository


class OrganizationRepository(Protocol):
    async def add(self, organization: Organization, events: Sequence[Envelope]) -> None: ...

    async def update(
        self, organization: Organization, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool: ...

    async def get(self, organization_id: str) -> Organization | None: ...


class MemberRepository(Protocol):
    async def add(self, member: Member, events: Sequence[Envelope]) -> None: ...

    async def update(
        self, member: Member, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool: ...

    async def get(self, member_id: str) -> Member | None: ...

    async def of_organization(self, organization_id: str, *, after: str | None, limit: int) -> list[Member]: ...


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey, events: Sequence[Envelope]) -> None: ...

    async def update(
        self, key: ApiKey, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool: ...

    async def get(self, key_id: str) -> ApiKey | None: ...

    async def of_organization(self, organization_id: str) -> list[ApiKey]: ...


class MongoAreaRepository(MongoRepository[AreaNode]):
    model = AreaNode


class MongoOrganizationRepository(MongoRepository[Organization]):
    model = Organization


class MongoMemberRepository(MongoRepository[Member]):
    model = Member

    async def of_organization(self, organization_id: str, *, after: str | None, limit: int) -> list[Member]:
        return await self.page(after=after, limit=limit, where={"organization_ids": organization_id})

    async def memberships(self) -> AsyncIterator[tuple[str, tuple[str, ...], str]]:
        """(member id, organisation ids, import digest) of every member, for the read model."""
        projection = {"organization_ids": 1, "source_digest": 1}
        async for doc in self.collection.find({}, projection, batch_size=10_000):
            organization_ids = doc.get("organization_ids")
            if not isinstance(organization_ids, list) or not all(isinstance(o, str) for o in organization_ids):
                self._readable(doc)  # logs and counts it (no valid member either), then it is skipped
                continue
            yield doc["_id"], tuple(organization_ids), doc.get("source_digest", "")


class MongoImportJobRepository(MongoRepository[ImportJob]):
    model = ImportJob

    async def record_progress(self, job_id: str, applied_rows: int) -> None:
        """Only the count: the job's report of refused rows is written once, not with every batch."""
        async with document_lock(self.collection, job_id):
            await self.collection.update_one({"_id": job_id}, {"$set": {"applied_rows": applied_rows}})


class MongoApiKeyRepository(MongoRepository[ApiKey]):
    model = ApiKey

    async def of_organization(self, organization_id: str) -> list[ApiKey]:
        return await self.page(after=None, limit=1000, where={"organization_id": organization_id})
