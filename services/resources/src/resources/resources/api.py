"""The HTTP routes of resources: share, edit, publish, pause, withdraw, find, and the figures of
what is shared."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from contract.bodies.resources import ResourceCreate, ResourceEdit, ResourceImport
from contract.errors import Unprocessable
from contract.events.resources import ResourceKind, ResourceStatus
from contract.schemas import Moment
from contract.taxonomy import Category
from resources.bookings.service import Bookings
from resources.resources.models import Resource, now
from resources.resources.schemas import ResourceAction, ResourceOut
from resources.resources.service import Resources, Search
from resources.view import Near
from runtime.actors import MaybeActor
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Ids, Limit, Page
from runtime.params import AreaQuery, IdQuery

router = APIRouter(tags=["resources"])

ResourcesDep = Annotated[Resources, Depends(provided(Resources))]
BookingsDep = Annotated[Bookings, Depends(provided(Bookings))]  # a withdrawn venue's bookings are cancelled


@router.post("/resources", status_code=201, response_model=ResourceOut)
async def share_resource(body: ResourceCreate, resources: ResourcesDep, actor: ActiveActor) -> Resource:
    """Shares a venue, lendable or service of the acting organisation; `resource.published`
    follows on Kafka (none for a draft)."""
    return await resources.share(body, actor)


@router.post("/resources/import")
async def import_resources(body: ResourceImport, resources: ResourcesDep, actor: ActiveActor) -> dict[str, int]:
    """Venues, services and lendables kept elsewhere before (a city's register), up to 1,000 a
    request, each under its own id and of an active organisation, imported by an administrator
    of their area; `resource.published` follows for each one not a draft. Importing the same
    rows again imports nothing."""
    return await resources.import_resources(body, actor)


@router.get("/resources", response_model=Page[ResourceOut])
async def search_resources(
    resources: ResourcesDep,
    actor: MaybeActor,
    ids: Ids = None,
    kind: ResourceKind | None = None,
    category: Category | None = None,
    area_code: AreaQuery = None,
    organization_id: IdQuery = None,
    min_capacity: Annotated[int | None, Query(ge=1)] = None,
    q: Annotated[str | None, Query(max_length=50, description="part of the name or description")] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    within_km: Annotated[float, Query(gt=0, le=50)] = 3.0,
    free_from: Moment | None = None,
    free_to: Moment | None = None,
    status: Annotated[ResourceStatus | None, Query(description="published unless `ids` are given")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """Resources by kind, category, area subtree, organisation, capacity and name; within
    `within_km` of (`lat`, `lon`), nearest first; venues free for all of `free_from`–`free_to`.
    Without a point, in id order. Drafts and withdrawn resources only for their organisation.
    With `ids`, those of them only, of any status, each shown or not as `GET /resources/{id}`
    would (one request for a page of proposals' supply, say)."""
    if (lat is None) != (lon is None):
        raise Unprocessable("lat and lon come together")
    if ids is not None and lat is not None:
        raise Unprocessable("ids and lat/lon do not go together: resources by id have no order by distance")
    if (free_from is None) != (free_to is None):
        raise Unprocessable("free_from and free_to come together")
    free = None
    if free_from is not None and free_to is not None:
        if free_to <= free_from:
            raise Unprocessable("free_from comes before free_to", field="free_to")
        free = (free_from, free_to)
    search = Search(
        kind=ResourceKind.VENUE if free else kind,
        category=category,
        area_code=area_code,
        organization_id=organization_id,
        min_capacity=min_capacity,
        q=q,
        near=Near(lat, lon, within_km) if lat is not None and lon is not None else None,
        free=free,
        status=status if status is not None or ids is not None else ResourceStatus.PUBLISHED,
    )
    if ids is not None:
        chosen = [r for r in await resources.get_many(ids, search, actor) if cursor is None or r.id > cursor][:limit]
        items = [{**r.model_dump(), "distance_km": None} for r in chosen]
        return {"items": items, "next_cursor": chosen[-1].id if len(chosen) == limit else None}
    found = resources.search(search, actor, after=cursor, limit=limit)
    items = [{**r.model_dump(), "distance_km": km} for r, km in found]
    return {"items": items, "next_cursor": found[-1][0].id if len(found) == limit else None}


@router.get("/stats")
async def statistics(resources: ResourcesDep, area_code: AreaQuery = None) -> dict[str, object]:
    """Venues, services and lendables shared (published or paused) in the area's subtree, or
    the whole platform: in all, by category, and by the month they were shared."""
    return resources.stats(area_code or "")


@router.get("/stats/venues")
async def busiest_venues(
    resources: ResourcesDep,
    area_code: AreaQuery = None,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, object]:
    """The venues of the area's subtree (or the platform) most booked in the last `days` days
    and the next `days` days, with their bookings counted."""
    moment = now()
    span = timedelta(days=days)
    return {"items": resources.busiest_venues(area_code or "", moment - span, moment + span, limit)}


@router.get("/resources/{resource_id}", response_model=ResourceOut)
async def get_resource(resource_id: str, resources: ResourcesDep, actor: MaybeActor) -> Resource:
    return await resources.get(resource_id, actor)


@router.patch("/resources/{resource_id}", response_model=ResourceOut)
async def edit_resource(resource_id: str, body: ResourceEdit, resources: ResourcesDep, actor: ActiveActor) -> Resource:
    """Edits a resource (its organisation only); `resource.updated` follows."""
    return await resources.edit(resource_id, body, actor)


@router.post("/resources/{resource_id}/{action}", response_model=ResourceOut)
async def act_on_resource(
    resource_id: str, action: ResourceAction, resources: ResourcesDep, bookings: BookingsDep, actor: ActiveActor
) -> Resource:
    """`publish` a draft, `pause` or `resume` taking bookings and requests, `withdraw` for good
    (a withdrawn venue's bookings to come are cancelled)."""
    resource = await resources.act(resource_id, action, actor)
    if action is ResourceAction.WITHDRAW:
        await bookings.cancel_all(resource, "venue_withdrawn")
    return resource
