"""Where organisations are kept: one document each, its events in it and its contacts' phones sealed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from contract.events import Envelope
from organizations.organizations.models import Organization
from organizations.personal_data import SealingRepository
from runtime.mongo import Document


class OrganizationRepository(Protocol):
    async def add(self, organization: Organization, events: Sequence[Envelope]) -> None: ...

    async def update(
        self, organization: Organization, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool: ...

    async def get(self, organization_id: str) -> Organization | None: ...


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
