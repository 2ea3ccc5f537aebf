"""The resources service's use cases for resources themselves: share, edit, publish, pause,
resume, withdraw, find. Every change is one `repo.change` (optimistic concurrency on the
resource) that writes the resource and its event together; the read model then takes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from contract.areas import covers
from contract.bodies.resources import ResourceCreate, ResourceEdit, ResourceImport
from contract.errors import Conflict, Forbidden, NotFound
from contract.events import Envelope, data_of
from contract.events.resources import (
    ResourceData,
    ResourceKind,
    ResourcePublished,
    ResourceStatus,
    ResourceUpdated,
    ResourceWithdrawn,
)
from contract.ids import new_id
from contract.taxonomy import Category
from resources.resources.models import SHARED, Resource, now
from resources.resources.repository import ResourceRepository
from resources.resources.schemas import ResourceAction
from resources.view import Near, SupplyView
from runtime.actors import Actor, ActorKind, acting_as
from runtime.known_organizations import OrganizationLookup, require_each

SOURCE = "/services/resources"
ResourceEvent = type[ResourcePublished | ResourceUpdated | ResourceWithdrawn]
MOVES: dict[ResourceAction, tuple[ResourceStatus, ResourceEvent]] = {
    ResourceAction.PUBLISH: (ResourceStatus.PUBLISHED, ResourcePublished),
    ResourceAction.PAUSE: (ResourceStatus.PAUSED, ResourceUpdated),
    ResourceAction.RESUME: (ResourceStatus.PUBLISHED, ResourceUpdated),
    ResourceAction.WITHDRAW: (ResourceStatus.WITHDRAWN, ResourceWithdrawn),
}


def resource_data(resource: Resource) -> ResourceData:
    return data_of(ResourceData, resource, resource_id=resource.id)


def announce(event_type: ResourceEvent, resource: Resource) -> Envelope:
    return event_type(source=SOURCE, subject=resource.id, data=resource_data(resource))


def shared(cmd: ResourceCreate, resource_id: str, organization_id: str) -> tuple[Resource, list[Envelope]]:
    """A resource as its organisation shares it (published, or a draft), with its event."""
    fields = cmd.model_dump(mode="json", exclude={"id", "organization_id", "draft"})
    status = ResourceStatus.DRAFT if cmd.draft else ResourceStatus.PUBLISHED
    resource = Resource.model_validate(
        {**fields, "id": resource_id, "organization_id": organization_id, "status": status}
    )
    return resource, [] if cmd.draft else [announce(ResourcePublished, resource)]


def may_see(resource: Resource, actor: Actor | None) -> bool:
    """Drafts and withdrawn resources are their organisation's only."""
    if resource.status in SHARED:
        return True
    return actor is not None and actor.is_organization(resource.organization_id)


@dataclass(frozen=True)
class Search:
    kind: ResourceKind | None = None
    category: Category | None = None
    area_code: str | None = None
    organization_id: str | None = None
    min_capacity: int | None = None
    q: str | None = None
    near: Near | None = None
    free: tuple[datetime, datetime] | None = None  # venues free for all of this range
    status: ResourceStatus | None = ResourceStatus.PUBLISHED


class Resources:
    def __init__(self, repo: ResourceRepository, organizations: OrganizationLookup, view: SupplyView) -> None:
        self.repo = repo
        self.organizations = organizations
        self.view = view

    async def share(self, cmd: ResourceCreate, actor: Actor) -> Resource:
        """Shares a resource of the acting organisation: published, or a draft."""
        organization_id = acting_as(actor, cmd.organization_id, "an organisation shares its own resources only")
        await self.organizations.require_active(organization_id)
        resource, events = shared(cmd, new_id(), organization_id)
        await self.repo.add(resource, events)
        return resource

    async def import_resources(self, cmd: ResourceImport, actor: Actor) -> dict[str, int]:
        """Resources kept elsewhere before (a city's register of venues and services), of active
        organisations, in the administrator's area, stored as one insert, their events as one
        outbox group. Every row is checked before anything is written; one stored already (a
        resumed import) is left as it is."""
        if actor.kind is not ActorKind.AREA_ADMIN:
            raise Forbidden("an administrator imports the resources of their own area")
        resources: list[tuple[Resource, list[Envelope]]] = []
        owners = await require_each(self.organizations, (row.organization_id for row in cmd.resources), active=True)
        for row in cmd.resources:
            for area_code in (owners[row.organization_id]["area_code"], row.area_code):
                if not actor.administers(area_code):
                    raise Forbidden("an administrator imports the resources of their own area", area_code=area_code)
            if row.id not in self.view.resources:
                resources.append(shared(row, row.id, row.organization_id))
        imported = await self.repo.insert_many(resources, group=f"resources-{new_id()}")
        return {"received": len(cmd.resources), "imported": imported}

    async def get(self, resource_id: str, actor: Actor | None) -> Resource:
        resource = self.view.resources.get(resource_id) or await self.repo.get(resource_id)
        if resource is None or not may_see(resource, actor):
            raise NotFound(f"no resource {resource_id!r}")
        return resource

    async def get_many(self, resource_ids: list[str], search: Search, actor: Actor | None) -> list[Resource]:
        """Those of the resources of these ids that `search` keeps and the viewer may see, each
        found as `get` finds it (the read model, else the database), in id order."""
        found = {i: r for i in set(resource_ids) if (r := self.view.resources.get(i)) is not None}
        if missing := [i for i in set(resource_ids) if i not in found]:
            found.update((r.id, r) for r in await self.repo.get_many(missing))
        keep = self._filter(search, actor)
        return [found[i] for i in sorted(found) if keep(found[i])]

    async def edit(self, resource_id: str, cmd: ResourceEdit, actor: Actor) -> Resource:
        """Changes the fields `cmd` gives; the owner only."""
        changes = cmd.model_dump(mode="json", exclude_unset=True)

        def decide(resource: Resource) -> list[Envelope]:
            self._require_owner(resource, actor)
            if resource.status is ResourceStatus.WITHDRAWN:
                raise Conflict("a withdrawn resource is not edited", status=resource.status.value)
            edited = Resource.model_validate({**resource.model_dump(), **changes})
            for name in changes:
                setattr(resource, name, getattr(edited, name))
            resource.updated_at = now()
            return [announce(ResourceUpdated, resource)]

        return await self.change(resource_id, decide)

    async def act(self, resource_id: str, action: ResourceAction, actor: Actor) -> Resource:
        """Publishes a draft, pauses or resumes a published resource, or withdraws one for good."""
        to, event_type = MOVES[action]

        def decide(resource: Resource) -> list[Envelope]:
            self._require_owner(resource, actor)
            resource.move(to)
            return [announce(event_type, resource)]

        return await self.change(resource_id, decide)

    async def change(self, resource_id: str, decide: Callable[[Resource], list[Envelope]]) -> Resource:
        """Changes a resource as `decide` says (the repository keeps the read model current)."""
        resource, _ = await self.repo.change(resource_id, decide, cached=self.view.resources.get(resource_id))
        return resource

    def search(
        self, search: Search, actor: Actor | None, *, after: str | None, limit: int
    ) -> list[tuple[Resource, float | None]]:
        """Resources as `search` asks with their distance from its point: in id order, or nearest
        first when it has one (the cursor is then the last resource's id all the same)."""
        keep = self._filter(search, actor)
        if search.near is None:
            among = self.view.shared_by(search.organization_id) if search.organization_id else None
            return [(r, None) for r in self.view.browse(keep, after=after, limit=limit, among=among)]
        nearest = sorted((round(km, 3), r.id, r) for r, km in self.view.near(search.near))
        start = 0
        if after is not None:
            start = next((i + 1 for i, (_, rid, _) in enumerate(nearest) if rid == after), len(nearest))
        found: list[tuple[Resource, float | None]] = []
        for km, _, resource in nearest[start:]:  # the filters, "free" above all, only as far as needed
            if keep(resource):
                found.append((resource, km))
                if len(found) == limit:
                    break
        return found

    def stats(self, area_code: str) -> dict[str, object]:
        kinds = [kind.value for kind in ResourceKind]
        return {"area_code": area_code or None, **self.view.tallies.of(area_code).as_dict(kinds, kinds)}

    def busiest_venues(self, area_code: str, since: datetime, until: datetime, limit: int) -> list[dict[str, object]]:
        """The venues of the area's subtree with the most holding bookings between two times
        (their timelines in the read model)."""
        ranked = sorted(
            (-len(timeline.between(since, until)), venue.id, venue)
            for venue in self.view.in_area(area_code)
            if (timeline := self.view.timelines.get(venue.id)) is not None
        )
        return [
            {"venue_id": v.id, "name": v.name, "area_code": v.area_code, "bookings": -n}
            for n, _, v in ranked[:limit]
            if n
        ]

    def _filter(self, s: Search, actor: Actor | None) -> Callable[[Resource], bool]:
        def keep(r: Resource) -> bool:
            return (
                (s.kind is None or r.kind is s.kind)
                and (s.category is None or r.category is s.category)
                and (s.status is None or r.status is s.status)
                and (s.organization_id is None or r.organization_id == s.organization_id)
                and (s.area_code is None or covers(s.area_code, r.area_code))
                and (s.min_capacity is None or r.capacity >= s.min_capacity)
                and (s.q is None or s.q in r.name or s.q in r.description)
                and (s.free is None or self._free(r, *s.free))
                and may_see(r, actor)
            )

        return keep

    def _free(self, r: Resource, start: datetime, end: datetime) -> bool:
        """A venue open for all of the range with no booking in it."""
        return r.kind is ResourceKind.VENUE and r.open_between(start, end) and self.view.is_free(r.id, start, end)

    @staticmethod
    def _require_owner(resource: Resource, actor: Actor) -> None:
        if not actor.is_organization(resource.organization_id):
            raise Forbidden("only the organisation that shares a resource changes it")
