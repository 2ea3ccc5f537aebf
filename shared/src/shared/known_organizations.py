"""What a service keeps of the registry's organisations, learnt from `organization.*` events."""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Request
from pymongo.asynchronous.database import AsyncDatabase

from shared.errors import InvalidReference, NotFound
from shared.events import OrganizationRegistered
from shared.mongo import Document


class OrganizationLookup(Protocol):
    """What a use case needs to check that an organisation it is told of exists."""

    async def require(self, organization_id: str) -> Document: ...


class KnownOrganizations:
    """The organisations this service may accept references to."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["known_organizations"]
        self._seen: dict[str, Document] = {}  # found once, kept: the registry never takes one back

    async def on_registered(self, event: OrganizationRegistered) -> None:
        data = event.data
        fields = {"name": data.name, "kind": data.kind, "area_code": data.area_code}
        await self.collection.update_one({"_id": data.organization_id}, {"$set": fields}, upsert=True)
        self._seen[data.organization_id] = {"_id": data.organization_id, **fields}

    async def require(self, organization_id: str) -> Document:
        """The organisation, or InvalidReference when the registry never announced it."""
        found = self._seen.get(organization_id) or await self.collection.find_one({"_id": organization_id})
        if found is None:
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        self._seen[organization_id] = found
        return found


def _known_organizations(request: Request) -> KnownOrganizations:
    known: KnownOrganizations = request.app.state.organizations
    return known


KnownOrganizationsDep = Annotated[KnownOrganizations, Depends(_known_organizations)]

router = APIRouter(prefix="/known-organizations", tags=["operations"])


@router.get("")
async def count_known_organizations(known: KnownOrganizationsDep) -> dict[str, int]:
    """How many organisations this service has learnt of: it follows the registry's events."""
    return {"count": await known.collection.count_documents({})}


@router.get("/{organization_id}")
async def get_known_organization(organization_id: str, known: KnownOrganizationsDep) -> dict[str, str]:
    """What this service has learnt of one organisation from the registry's events."""
    found = await known.collection.find_one({"_id": organization_id})
    if found is None:
        raise NotFound(f"this service has not heard of organization {organization_id!r}")
    return {"id": found["_id"], "name": found["name"], "kind": found["kind"], "area_code": found["area_code"]}
