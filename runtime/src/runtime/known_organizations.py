"""What a service keeps of the registry's organisations and memberships, learnt from
`organization.*` and `member.*` events: which organisations exist, whether they may still act,
and who belongs to which."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends
from pymongo.asynchronous.database import AsyncDatabase

from contract.errors import Forbidden, InvalidReference, NotFound
from contract.events.organizations import MemberJoined, MemberLeft, OrganizationRegistered, OrganizationUpdated
from runtime.actors import Actor, ActorDep, ActorKind
from runtime.app import provided
from runtime.handlers import Handlers
from runtime.mongo import AT_ONCE, Document, at_once, insert_new

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
        # a document a membership, `_id` "<member>@<organization>": a run of joins is one insert
        self.memberships = db["known_members"]
        self._before = db["known_memberships"]  # a document a member, with its organisations' ids
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

    async def prepare_memberships(self, *, members_of: bool = False) -> None:
        """With `members_of`, the indexes it looks up by (each adds to every join's write: a
        service that never asks goes without). Memberships kept in the earlier shape (a document a member) are moved to
        this one."""
        if members_of:
            await self.memberships.create_index("organization_id")
            await self.memberships.create_index("member_id")
        kept = [  # all of them each time: a move cut short is finished at the next start
            _membership(member["_id"], organization_id)
            async for member in self._before.find()
            for organization_id in member.get("organization_ids", [])
        ]
        if kept:
            await insert_new(self.memberships, kept)
        await self._before.drop()

    async def on_memberships(self, events: Sequence[MemberJoined | MemberLeft]) -> None:
        """A run of joins and departures in two round trips: each membership ends as the run's
        last event of it says. One update a join, a city's 220,000 kept two services' consumers
        busy for a quarter of an hour, and the database with them."""
        last = {_key(event.data.member_id, event.data.organization_id): event for event in events}
        left = [key for key, event in last.items() if isinstance(event, MemberLeft)]
        if left:
            await self.memberships.delete_many({"_id": {"$in": left}})
        joined = [
            _membership(e.data.member_id, e.data.organization_id) for e in last.values() if isinstance(e, MemberJoined)
        ]
        if joined:
            await insert_new(self.memberships, joined)  # a redelivered join is kept already

    async def members_of(self, organization_ids: set[str] | None) -> dict[str, list[str]]:
        """The members of any of those organisations (of every one: None), each with all their
        organisations. A few organisations' are looked up by equality, member by member after;
        more in one read of every membership. (FerretDB answers `$in` by reading every
        membership: one organisation's took 9.5 s among a city's 237,000, by equality 3 ms.)"""
        if organization_ids is not None and len(organization_ids) <= AT_ONCE:
            chosen = await self._each("organization_id", organization_ids)
            found = await self._each("member_id", {m["member_id"] for m in chosen})
        else:
            found = await self.memberships.find({}, {"_id": 0}).to_list()
        theirs: defaultdict[str, list[str]] = defaultdict(list)
        for membership in found:
            theirs[membership["member_id"]].append(membership["organization_id"])
        return {
            m: orgs for m, orgs in theirs.items() if organization_ids is None or not organization_ids.isdisjoint(orgs)
        }

    async def _each(self, field: str, values: set[str]) -> list[Document]:
        """The memberships whose `field` is any of `values`, each value looked up by equality
        (which FerretDB answers from the index), `AT_ONCE` in flight."""
        parts = await at_once(sorted(values), lambda v: self.memberships.find({field: v}, {"_id": 0}).to_list())
        return [membership for part in parts for membership in part]

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
        if await self.memberships.find_one({"_id": _key(member_id, organization_id)}) is None:
            raise Forbidden("a member acts only through an organisation they belong to", member_id=member_id)


async def require_each(
    organizations: OrganizationLookup, organization_ids: Iterable[str], *, active: bool = False
) -> dict[str, Document]:
    """Each organisation as `require` (`require_active`) finds it, `AT_ONCE` looked up at once:
    an import's hundreds, one after the other, took seconds a request. Raises the refusal of the
    first refused, in id order."""
    ordered = sorted(set(organization_ids))
    found = await at_once(ordered, organizations.require_active if active else organizations.require)
    return dict(zip(ordered, found, strict=True))


def _key(member_id: str, organization_id: str) -> str:
    return f"{member_id}@{organization_id}"


def _membership(member_id: str, organization_id: str) -> Document:
    return {"_id": _key(member_id, organization_id), "member_id": member_id, "organization_id": organization_id}


def handlers(known: KnownOrganizations, *, members: bool = False) -> Handlers:
    """The registry's events a service follows to keep `known` (memberships too, with `members`)."""
    followed = (
        Handlers()
        .batched((OrganizationRegistered,), known.on_registrations)
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
