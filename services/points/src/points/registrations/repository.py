"""Where registrations are kept: one document each, its `registration.accepted` event in the
document's outbox; and what the report reads of the registry's memberships and the ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from contract.events import Envelope
from contract.events.points import Unit
from points.ledger.models import Movement
from points.registrations.models import Registration, Status
from runtime.mongo import Document
from runtime.outbox import push_events, with_events
from runtime.repository import readable


class RegistrationRepository(Protocol):
    async def insert(self, registration: Registration) -> None: ...

    async def save(self, registration: Registration, *, was: Status, events: list[Envelope]) -> bool:
        """Stores the registration's new state, when it still is `was`; False when it no longer is."""
        ...

    async def get(self, registration_id: str) -> Registration | None: ...

    async def of_member(self, member_id: str) -> list[Registration]:
        """The member's registrations, the latest declared first."""
        ...

    async def of_members(self, member_ids: list[str]) -> list[Registration]:
        """The accepted and ended registrations of these members."""
        ...

    async def pending_under(self, prefix: str, limit: int) -> list[Registration]:
        """The registrations waiting for a decision in communities whose code begins with `prefix`."""
        ...


class Memberships(Protocol):
    async def members_of(self, organization_ids: set[str] | None) -> dict[str, list[str]]:
        """The members of these organisations (as the registry announced them), each with theirs."""
        ...


class Credits(Protocol):
    async def credited(self, account: str, unit: Unit, since: datetime, until: datetime) -> list[Movement]:
        """The movements to `account` in `unit` made in [since, until), oldest first."""
        ...


class MongoRegistrationRepository:
    def __init__(self, collection: AsyncCollection[Document], on_events: Callable[[], None]) -> None:
        self.collection = collection
        self.on_events = on_events

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("member_id", 1), ("declared_at", -1)])
        await self.collection.create_index([("status", 1), ("community_code", 1)])

    async def insert(self, registration: Registration) -> None:
        await self.collection.insert_one(with_events(_document(registration), []))

    async def save(self, registration: Registration, *, was: Status, events: list[Envelope]) -> bool:
        fields = registration.model_dump(mode="python", exclude={"id"})
        update: dict[str, Any] = {"$set": fields}
        if events:
            update = push_events(update, events)
        done = await self.collection.update_one({"_id": registration.id, "status": was.value}, update)
        if events and done.modified_count:
            self.on_events()
        return done.modified_count == 1

    async def get(self, registration_id: str) -> Registration | None:
        found = await self.collection.find_one({"_id": registration_id}, {"outbox": 0})
        return None if found is None else readable(self.collection.name, found, _registration)

    async def of_member(self, member_id: str) -> list[Registration]:
        cursor = self.collection.find({"member_id": member_id}, {"outbox": 0}).sort("declared_at", -1).limit(20)
        return await self._read(cursor)

    async def of_members(self, member_ids: list[str]) -> list[Registration]:
        lived = [Status.ACCEPTED.value, Status.ENDED.value]
        cursor = self.collection.find({"member_id": {"$in": member_ids}, "status": {"$in": lived}}, {"outbox": 0})
        return await self._read(cursor)

    async def pending_under(self, prefix: str, limit: int) -> list[Registration]:
        where = {"status": Status.PENDING.value, "community_code": {"$gte": prefix, "$lt": prefix + "~"}}
        cursor = self.collection.find(where, {"outbox": 0}).sort("declared_at", 1).limit(limit)
        return await self._read(cursor)

    async def _read(self, cursor: Any) -> list[Registration]:
        found = [readable(self.collection.name, document, _registration) async for document in cursor]
        return [registration for registration in found if registration is not None]


class MongoCredits:
    """What the ledger's stored movements say a member was credited with."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def credited(self, account: str, unit: Unit, since: datetime, until: datetime) -> list[Movement]:
        where = {"postings.account": account, "to_account": account, "unit": unit.value}
        cursor = self.collection.find({**where, "at": {"$gte": since, "$lt": until}}, {"outbox": 0}).sort("at", 1)
        found = [readable(self.collection.name, d, _movement) async for d in cursor]
        return [movement for movement in found if movement is not None]


def _document(registration: Registration) -> Document:
    return {"_id": registration.id, **registration.model_dump(mode="python", exclude={"id"})}


def _registration(document: Document) -> Registration:
    return Registration.model_validate({**document, "id": document["_id"]})


def _movement(document: Document) -> Movement:
    return Movement.model_validate({**document, "id": document["_id"]})
