"""What a service keeps of the registry's organisations, learnt from `organization.*` events:
which organisations exist and whether they may still act (who belongs to which:
`runtime.memberships`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends
from pymongo.asynchronous.database import AsyncDatabase

from contract.errors import Forbidden, InvalidReference, NotFound
from contract.events.organizations import OrganizationRegistered, OrganizationUpdated
from runtime.actors import Actor, ActorDep, ActorKind
from runtime.app import provided
from runtime.handlers import Handlers
from runtime.memberships import Memberships
from runtime.mongo import Document, at_once, insert_new

ACTIVE = "active"


class OrganizationLookup(Protocol):
    """What a use case needs to check that an organisation it is told of exists, may act, and
    has a given member."""

    async def require(self, organization_id: str) -> Document: ...

    async def require_active(self, organization_id: str) -> Document: ...

    async def require_member(self, organization_id: str, member_id: str) -> None: ...


class KnownOrganizations:
    """The organisations this service may accept references to and their status (their members:
    `members`, in a process that checks them)."""

    def __init__(self, db: AsyncDatabase[Document], members: Memberships | None = None) -> None:
        self.collection = db["known_organizations"]
        self.members = members  # who belongs to which, in a process that checks it
        # Found once, kept: the registry never takes an organisation back. Only the name, kind and
        # area are kept here; the status is read from the database at every write, so a suspension
        # any replica learnt of holds in every replica at once.
        self._seen: dict[str, Document] = {}

    async def on_registrations(self, events: Sequence[OrganizationRegistered]) -> None:
        await self.registered(events)

    async def registered(self, events: Sequence[OrganizationRegistered]) -> list[Document]:
        """A run of registrations in one insert (an upsert is a read and a write on FerretDB);
        one told again is kept already, with any change since. Answers those new here. One
        insert an organisation, a city's 16,000 kept five services' consumers writing through
        the registry's whole import of members."""
        found = {
            e.data.organization_id: {
                "_id": e.data.organization_id,
                "name": e.data.name,
                "kind": e.data.kind,
                "area_code": e.data.area_code,
            }
            for e in events
        }
        documents = list(found.values())
        taken = await insert_new(self.collection, documents)
        new = [document for i, document in enumerate(documents) if i not in taken]
        self._seen.update((document["_id"], document) for document in new)
        return new

    async def on_updated(self, event: OrganizationUpdated) -> None:
        """Its name, kind, place or status changed (a suspension or dissolution among them)."""
        data = event.data
        fields = {"name": data.name, "kind": data.kind, "area_code": data.area_code, "status": data.status}
        await self.collection.update_one({"_id": data.organization_id}, {"$set": fields}, upsert=True)
        self._seen.pop(data.organization_id, None)

    async def require(self, organization_id: str) -> Document:
        """The organisation, or InvalidReference when the registry never announced it."""
        found = self._seen.get(organization_id) or await self.collection.find_one({"_id": organization_id})
        if found is None:
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        self._seen[organization_id] = found
        return found

    async def require_active(self, organization_id: str) -> Document:
        """The organisation, when it may act: Forbidden once it is suspended or dissolved."""
        found = await self.collection.find_one({"_id": organization_id})
        if found is None:
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        status = found.get("status", ACTIVE)
        if status != ACTIVE:
            raise Forbidden(f"the organization is {status}: it may not act on the platform", status=status)
        return found

    async def require_member(self, organization_id: str, member_id: str) -> None:
        """Forbidden unless the registry announced the person a member of the organisation."""
        if self.members is None:
            raise RuntimeError("this process keeps no memberships: only a writer checks who acts for whom")
        await self.members.require_member(organization_id, member_id)


async def require_each(
    organizations: OrganizationLookup, organization_ids: Iterable[str], *, active: bool = False
) -> dict[str, Document]:
    """Each organisation as `require` (`require_active`) finds it, `AT_ONCE` looked up at once:
    an import's hundreds, one after the other, took seconds a request. Raises the refusal of the
    first refused, in id order."""
    ordered = sorted(set(organization_ids))
    found = await at_once(ordered, organizations.require_active if active else organizations.require)
    return dict(zip(ordered, found, strict=True))


def handlers(known: KnownOrganizations) -> Handlers:
    """The registry's events a service follows to keep `known`."""
    return (
        Handlers()
        .batched((OrganizationRegistered,), known.on_registrations)
        .on(OrganizationUpdated, known.on_updated, idempotent=True)
    )


KnownOrganizationsDep = Annotated[KnownOrganizations, Depends(provided(KnownOrganizations))]


async def _active_actor(actor: ActorDep, known: KnownOrganizationsDep) -> Actor:
    if actor.kind is ActorKind.ORGANIZATION and actor.organization_id is not None:
        with contextlib.suppress(InvalidReference):  # one never announced: each use case says so its own way
            await known.require_active(actor.organization_id)
    return actor


ActiveActor = Annotated[Actor, Depends(_active_actor)]
"""The actor of a write: an organisation among them must be one that may still act (403 once
it is suspended or dissolved), whatever the request's body says."""

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
    fields = ("name", "kind", "area_code")
    return {"id": found["_id"], **{f: found[f] for f in fields}, "status": found.get("status", ACTIVE)}
