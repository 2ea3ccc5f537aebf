"""Where members are kept: one document each, its events in it and its phone and ID number sealed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Protocol

from contract.events import Envelope
from organizations.members.models import Member
from organizations.personal_data import SealingRepository
from runtime.mongo import Document


class MemberRepository(Protocol):
    async def add(self, member: Member, events: Sequence[Envelope]) -> None: ...

    async def update(
        self, member: Member, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool: ...

    async def get(self, member_id: str) -> Member | None: ...

    async def of_organization(self, organization_id: str, *, after: str | None, limit: int) -> list[Member]: ...


class MongoMemberRepository(SealingRepository[Member]):
    model = Member
    stored = ("phone", "id_number")

    def _with(self, document_id: str, fields: Document, change: Callable[[str, str], str]) -> Document:
        return fields | {
            name: change(fields[name], f"members/{document_id}/{name}") for name in self.stored if name in fields
        }

    def _values(self, document: Document) -> list[str]:
        return [document.get(name, "") for name in self.stored]

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
