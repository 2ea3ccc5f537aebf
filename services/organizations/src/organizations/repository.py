"""Where organisations are kept: MongoDB, with their pending events in the same document."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection

from organizations.models import Organization
from shared.events import Envelope
from shared.mongo import Document
from shared.outbox import with_events


class OrganizationRepository(Protocol):
    async def add(self, organization: Organization, events: Sequence[Envelope]) -> None: ...

    async def get(self, organization_id: str) -> Organization | None: ...

    async def page(self, *, after: str | None, limit: int) -> list[Organization]: ...


class MongoOrganizationRepository:
    def __init__(self, collection: AsyncCollection[Document], on_events: Callable[[], None]) -> None:
        self.collection = collection
        self.on_events = on_events

    async def add(self, organization: Organization, events: Sequence[Envelope]) -> None:
        document = organization.model_dump(exclude={"id"}) | {"_id": organization.id}
        await self.collection.insert_one(with_events(document, events))
        self.on_events()

    async def get(self, organization_id: str) -> Organization | None:
        found = await self.collection.find_one({"_id": organization_id}, {"outbox": 0})
        return _organization(found) if found else None

    async def page(self, *, after: str | None, limit: int) -> list[Organization]:
        query = {"_id": {"$gt": after}} if after else {}
        cursor = self.collection.find(query, {"outbox": 0}).sort("_id", 1).limit(limit)
        return [_organization(doc) async for doc in cursor]


def _organization(document: Document) -> Organization:
    return Organization.model_validate({**document, "id": document["_id"]})
