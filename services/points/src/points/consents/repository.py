"""Where consents are kept: one document each, its `_id` the account and the organisation, so a
consent given twice is one, and withdrawing it deletes it."""

from __future__ import annotations

from typing import Protocol

from pymongo.asynchronous.collection import AsyncCollection

from points.consents.models import Consent, consent_id
from runtime.mongo import Document
from runtime.repository import readable


class ConsentRepository(Protocol):
    async def put(self, consent: Consent) -> None: ...

    async def remove(self, account: str, organization_id: str) -> bool:
        """False when there was no such consent."""
        ...

    async def granted(self, account: str, organization_id: str) -> bool: ...

    async def of_account(self, account: str) -> list[Consent]: ...


class MongoConsentRepository:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self.collection = collection

    async def put(self, consent: Consent) -> None:
        key = consent_id(consent.account, consent.organization_id)
        await self.collection.replace_one({"_id": key}, consent.model_dump(), upsert=True)

    async def remove(self, account: str, organization_id: str) -> bool:
        removed = await self.collection.delete_one({"_id": consent_id(account, organization_id)})
        return removed.deleted_count > 0

    async def granted(self, account: str, organization_id: str) -> bool:
        return await self.collection.find_one({"_id": consent_id(account, organization_id)}, {"_id": 1}) is not None

    async def of_account(self, account: str) -> list[Consent]:
        cursor = self.collection.find({"account": account}).sort("granted_at", 1)
        found = [readable(self.collection.name, document, Consent.model_validate) async for document in cursor]
        return [consent for consent in found if consent is not None]
