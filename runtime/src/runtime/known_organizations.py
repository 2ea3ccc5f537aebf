"""What a service keeps of the registry's organisations and memberships, learnt from
`organization.*` and `member.*` events: which organisations exist, whether they may still act,
and who belongs to which."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends
from pymongo.asynchronous.database import AsyncDatabase

from contract.errors import Forbidden, InvalidReference, NotFound
from contract.events.organizations import MemberJoined, MemberLeft, OrganizationRegistered, OrganizationUpdated
from runtime.actors import Actor, ActorDep, ActorKind
from runtime.app import provided
from runtime.handlers import Handlers
from runtime.mongo import Document
from runtime.repository import AT_ONCE

ACTIVE = "active"


class OrganizationLookup(Protocol):
    """What a use case needs to check that an organisation it is told of exists, may act, and
    has a given member."""

    async def require(self, organization_id: str) -> Document: ...

    async def require_active(self, organization_id: str) -> Document: ...

    async def require_member(self, organization_id: str, member_id: str) -> None: ...


class KnownOrganizations:
    """The organisations this service may accept references to, their status and members."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["known_organizations"]
        self.memberships = db["known_memberships"]
        # Found once, kept: the registry never takes an organisation back. Only the name, kind and
        # area are kept here; the status is read from the database at every write, so a suspension
        # any replica learnt of holds in every replica at once.
        self._seen: dict[str, Document] = {}

    async def on_registered(self, event: OrganizationRegistered) -> None:
        data = event.data
        fields = {"name": data.name, "kind": data.kind, "area_code": data.area_code}
        await self.collection.update_one({"_id": data.organization_id}, {"$set": fields}, upsert=True)
        self._seen[data.organization_id] = {"_id": data.organization_id, **fields}

    async def on_updated(self, event: OrganizationUpdated) -> None:
        """Its name, kind, place or status changed (a suspension or dissolution among them)."""
        data = event.data
        fields = {"name": data.name, "kind": data.kind, "area_code": data.area_code, "status": data.status}
        await self.collection.update_one({"_id": data.organization_id}, {"$set": fields}, upsert=True)
        self._seen.pop(data.organization_id, None)

    async def on_member_joined(self, event: MemberJoined) -> None:
        data = event.data
        await self.memberships.update_one(
            {"_id": data.member_id}, {"$addToSet": {"organization_ids": data.organization_id}}, upsert=True
        )

    async def on_member_left(self, event: MemberLeft) -> None:
        data = event.data
        await self.memberships.update_one(
            {"_id": data.member_id}, {"$pull": {"organization_ids": data.organization_id}}
        )

    async def on_memberships(self, events: Sequence[MemberJoined | MemberLeft]) -> None:
        """A run of joins and departures: each member's in order, `AT_ONCE` members side by side.
        One at a time, a city's 220,000 joins kept a consumer busy for twenty minutes, waiting on
        each round trip in turn."""
        changes: defaultdict[str, list[MemberJoined | MemberLeft]] = defaultdict(list)
        for event in events:
            changes[event.data.member_id].append(event)
        slots = asyncio.Semaphore(AT_ONCE)

        async def apply(of_one_member: list[MemberJoined | MemberLeft]) -> None:
            async with slots:
                for event in of_one_member:
                    if isinstance(event, MemberJoined):
                        await self.on_member_joined(event)
                    else:
                        await self.on_member_left(event)

        async with asyncio.TaskGroup() as members:  # one failing stops the others before the run is retried
            for one in changes.values():
                members.create_task(apply(one))

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
        found = await self.memberships.find_one({"_id": member_id, "organization_ids": organization_id})
        if found is None:
            raise Forbidden("a member acts only through an organisation they belong to", member_id=member_id)


def handlers(known: KnownOrganizations, *, members: bool = False) -> Handlers:
    """The registry's events a service follows to keep `known` (memberships too, with `members`)."""
    followed = (
        Handlers()
        .on(OrganizationRegistered, known.on_registered, idempotent=True)
        .on(OrganizationUpdated, known.on_updated, idempotent=True)
    )
    if members:
        followed.batched((MemberJoined, MemberLeft), known.on_memberships)
    return followed


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
