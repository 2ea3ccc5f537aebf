"""Where the registry keeps its aggregates: one collection each, events in the same documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from contract.events import Envelope
from organizations.models import ApiKey, AreaNode, ImportJob, Member, Organization
from organizations.personal_data import PersonalData
from runtime.mongo import Document, document_lock
from runtime.outbox import OutboxRelay
from runtime.repository import A, MongoRepository


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


class SealingRepository(MongoRepository[A]):
    """Keeps the aggregates' personal data sealed (organizations.personal_data): sealed as they
    are written, opened as they are read."""

    stored: tuple[str, ...] = ()  # the top-level fields holding personal data
    guards: tuple[str, ...] = ()  # fields that change with every write, besides those

    def __init__(
        self,
        collection: AsyncCollection[Document],
        on_events: Callable[[], None],
        *,
        personal: PersonalData,
        relay: OutboxRelay | None = None,
        read_model: Callable[[A], None] | None = None,
    ) -> None:
        super().__init__(collection, on_events, relay=relay, read_model=read_model)
        self.personal = personal

    def _document(self, aggregate: A) -> Document:
        return self._with(aggregate.id, aggregate.model_dump(exclude={"id"}), self.personal.seal)

    def _load(self, document: Document) -> A:
        return super()._load(self._with(document["_id"], document, self.personal.open))

    def _with(self, document_id: str, fields: Document, change: Callable[[str, str], str]) -> Document:
        """`fields` with each personal value changed by `change(value, context)`: sealed or opened."""
        raise NotImplementedError

    def _values(self, document: Document) -> list[str]:
        raise NotImplementedError

    def stale(self, document: Document) -> bool:
        """Whether a stored document needs writing again: a value plain or sealed under an older
        key, or an import digest that is not keyed."""
        digest = document.get("source_digest", "")
        if digest and not self.personal.is_keyed_digest(digest):
            return True
        return not all(self.personal.is_current(value) for value in self._values(document))

    async def reseal(self, *, batch: int = 500) -> int:
        """Seals again, under the sealing key, every document stored plain or under an older key;
        an import digest that is not keyed is dropped (the next import of that row writes it
        again). A document is written only if it is still as read. How many were written."""
        projection = dict.fromkeys(("source_digest", *self.stored, *self.guards), 1)
        written = 0
        async for document in self.collection.find({}, projection, batch_size=batch):
            if not self.stale(document):
                continue
            resealed = self._with(
                document["_id"], self._with(document["_id"], document, self.personal.open), self.personal.seal
            )
            changes: dict[str, Any] = {name: resealed[name] for name in self.stored if name in resealed}
            if not self.personal.is_keyed_digest(document.get("source_digest") or "0" * 64):
                changes["source_digest"] = ""
            if all(document.get(name) == value for name, value in changes.items()):
                continue  # sealed under a key the ring lacks: kept as it is
            as_read = {k: v for k, v in document.items() if isinstance(v, str | int)}  # _id and the guards
            async with document_lock(self.collection, document["_id"]):
                result = await self.collection.update_one(as_read, {"$set": changes})
            written += result.modified_count
        return written


class MongoOrganizationRepository(SealingRepository[Organization]):
    model = Organization
    stored = ("contacts",)
    guards = ("version",)

    def _with(self, document_id: str, fields: Document, change: Callable[[str, str], str]) -> Document:
        if "contacts" not in fields:
            return fields
        context = f"organizations/{document_id}/contacts.phone"
        return {**fields, "contacts": [{**c, "phone": change(c.get("phone", ""), context)} for c in fields["contacts"]]}

    def _values(self, document: Document) -> list[str]:
        return [c.get("phone", "") for c in document.get("contacts", [])]


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
