"""The resources service's HTTP routes: resources, venue bookings and calendars, service requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from contract.errors import Unprocessable
from contract.schemas import Moment
from contract.taxonomy import Category
from resources.bookings import Bookings, may_see
from resources.models import Booking, BookingStatus, Resource, ResourceKind, ResourceStatus, ServiceRequest, now
from resources.requests import ServiceRequests
from resources.schemas import (
    BookingAction,
    BookingCreate,
    BookingImport,
    BookingOut,
    CalendarEntry,
    RequestAction,
    RequestCreate,
    RequestOut,
    ResourceAction,
    ResourceCreate,
    ResourceEdit,
    ResourceOut,
    SeriesCreate,
    SeriesOut,
)
from resources.service import Resources, Search
from resources.view import Near
from runtime.actors import ActorDep, MaybeActor
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Ids, Limit, Page, page_of
from runtime.params import AreaQuery, IdQuery

router = APIRouter(tags=["resources"])
bookings_router = APIRouter(tags=["bookings"])
requests_router = APIRouter(tags=["service requests"])


ResourcesDep = Annotated[Resources, Depends(provided(Resources))]
BookingsDep = Annotated[Bookings, Depends(provided(Bookings))]
RequestsDep = Annotated[ServiceRequests, Depends(provided(ServiceRequests))]


@router.post("/resources", status_code=201, response_model=ResourceOut)
async def share_resource(body: ResourceCreate, resources: ResourcesDep, actor: ActiveActor) -> Resource:
    """Shares a venue, lendable or service of the acting organisation; `resource.published`
    follows on Kafka (none for a draft)."""
    return await resources.share(body, actor)


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
    q: Annotated[str | None, Query(max_length=50, description="part of the name")] = None,
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


@bookings_router.post("/venues/{venue_id}/bookings", status_code=201, response_model=BookingOut)
async def book_venue(venue_id: str, body: BookingCreate, bookings: BookingsDep, actor: ActiveActor) -> Booking:
    """Books a venue on the half hour: `confirmed`, or `requested` while its organisation
    approves. 409 when the time is taken; 422 with the reason when it is past, outside the
    opening hours or more people than the venue holds; 403 when the venue's rules exclude the booker."""
    return await bookings.book(venue_id, body, actor)


@bookings_router.post("/venues/{venue_id}/bookings/series", status_code=201, response_model=SeriesOut)
async def book_series(
    venue_id: str, body: SeriesCreate, bookings: BookingsDep, actor: ActiveActor
) -> dict[str, object]:
    """A recurring booking, weekly or monthly: every occurrence is booked that can be; each of the
    others is reported with why not."""
    series_id, occurrences = await bookings.series(venue_id, body, actor)
    booked = sum(o.booking is not None for o in occurrences)
    return {"series_id": series_id, "booked": booked, "refused": len(occurrences) - booked, "occurrences": occurrences}


def _window(
    start: Annotated[Moment | None, Query(alias="from")] = None,
    end: Annotated[Moment | None, Query(alias="to")] = None,
) -> tuple[datetime, datetime]:
    """A calendar's span: from `from` (now) to `to` (a month on)."""
    start = start or now()
    return start, end or start + timedelta(days=31)


Window = Annotated[tuple[datetime, datetime], Depends(_window)]


@bookings_router.get("/venues/{venue_id}/calendar", response_model=list[CalendarEntry])
async def venue_calendar(
    venue_id: str, resources: ResourcesDep, bookings: BookingsDep, actor: MaybeActor, window: Window
) -> list[dict[str, object]]:
    """The times a venue is taken from `from` (now) to `to` (a month on): what for and by whom
    only to the venue's organisation and the booker."""
    venue = await resources.get(venue_id, actor)
    return [
        {
            "booking_id": b.id,
            "starts_at": b.starts_at,
            "ends_at": b.ends_at,
            "status": b.status,
            **({"purpose": b.purpose, "organization_id": b.organization_id} if actor and may_see(b, actor) else {}),
        }
        for b in bookings.calendar(venue, *window, actor)
    ]


@bookings_router.get("/venues/{venue_id}/calendar.ics", response_class=Response)
async def venue_ical(
    venue_id: str, resources: ResourcesDep, bookings: BookingsDep, actor: MaybeActor, window: Window
) -> Response:
    """The same calendar as an iCalendar feed (RFC 5545), to subscribe to from a calendar app."""
    venue = await resources.get(venue_id, actor)
    feed = bookings.ical(venue, bookings.calendar(venue, *window, actor), actor)
    return Response(feed, media_type="text/calendar; charset=utf-8")


@bookings_router.get("/bookings", response_model=Page[BookingOut])
async def list_bookings(
    bookings: BookingsDep,
    actor: ActorDep,
    venue_id: IdQuery = None,
    status: BookingStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """The acting organisation's or resident's bookings, and those of its venues (`status=requested`:
    the approvals waiting), in id order."""
    return page_of(bookings.mine(actor, venue_id=venue_id, status=status, after=cursor, limit=limit), limit)


@bookings_router.post("/bookings/import")
async def import_bookings(body: BookingImport, bookings: BookingsDep, actor: ActiveActor) -> dict[str, int]:
    """Bookings kept elsewhere before (a venue's ledger), up to 1,000 a request, imported by an
    administrator of the venues' area: each holds its slots like any booking; one that clashes
    with a booking stored already is skipped and counted."""
    return await bookings.import_bookings(body, actor)


@bookings_router.get("/bookings/{booking_id}", response_model=BookingOut)
async def get_booking(booking_id: str, bookings: BookingsDep, actor: ActorDep) -> Booking:
    return await bookings.get(booking_id, actor)


@bookings_router.post("/bookings/{booking_id}/{action}", response_model=BookingOut)
async def act_on_booking(booking_id: str, action: BookingAction, bookings: BookingsDep, actor: ActiveActor) -> Booking:
    """`approve` or `decline` a requested booking, release a `no_show` (the venue's organisation);
    `cancel` (the booker or the venue's organisation). The slot is free again at once."""
    return await bookings.act(booking_id, action, actor)


@requests_router.post("/resources/{resource_id}/requests", status_code=201, response_model=RequestOut)
async def request_service(
    resource_id: str, body: RequestCreate, requests: RequestsDep, actor: ActiveActor
) -> ServiceRequest:
    """Requests a service or lendable for a day (and, optionally, a need); the provider decides."""
    return await requests.request(resource_id, body, actor)


@requests_router.get("/service-requests", response_model=Page[RequestOut])
async def list_requests(
    requests: RequestsDep, actor: ActorDep, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    """The acting organisation's requests, made and received, in id order."""
    return page_of(await requests.mine(actor, after=cursor, limit=limit), limit)


@requests_router.get("/service-requests/{request_id}", response_model=RequestOut)
async def get_request(request_id: str, requests: RequestsDep, actor: ActorDep) -> ServiceRequest:
    return await requests.get(request_id, actor)


@requests_router.post("/service-requests/{request_id}/{action}", response_model=RequestOut)
async def act_on_request(
    request_id: str, action: RequestAction, requests: RequestsDep, actor: ActiveActor
) -> ServiceRequest:
    """The provider `accept`s (taking from that period's capacity; 409 when it is used up) or
    `decline`s; the requester `cancel`s (an accepted request gives its capacity back)."""
    return await requests.act(request_id, action, actor)
