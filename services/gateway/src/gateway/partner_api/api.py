"""The partner API's routes under /api/v1: needs, resources, bookings, service requests and
proposals, each passed on to its service as the key's organisation; the city's figures."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from contract.errors import Forbidden
from gateway import service
from gateway.partner_api.keys import Partner, acting_for
from gateway.upstreams import Upstreams
from runtime.app import component, provided
from runtime.pagination import Cursor, Limit
from runtime.params import IdPath, IdQuery

api = APIRouter(prefix="/api/v1", tags=["partner API"])


UpstreamsDep = Annotated[Upstreams, Depends(provided(Upstreams))]


@api.get("/proposals")
async def list_proposals(
    request: Request,
    up: UpstreamsDep,
    partner: Partner,
    need_id: IdQuery = None,
    organization_id: IdQuery = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """Match proposals involving the key's organisation, each with its need and supply item and
    the reasons for its score."""
    if organization_id not in (None, partner.organization_id):
        raise Forbidden("an API key sees its own organization's proposals only")
    mine = {"need_id": need_id, "organization_id": partner.organization_id, "cursor": cursor}
    params = {k: v for k, v in mine.items() if v}
    views, next_cursor = await service.list_proposals(
        {**params, "limit": limit},
        actor=acting_for(partner, request, "read"),
        matching=up.matching,
        needs=up.needs,
        resources=up.resources,
    )
    return {"items": views, "next_cursor": next_cursor}


@api.post("/proposals/{proposal_id}/{decision}")
async def decide_proposal(
    proposal_id: IdPath,
    decision: Literal["accept", "decline"],
    request: Request,
    up: UpstreamsDep,
    partner: Partner,
) -> Response:
    """Accepts or declines a proposal the key's organisation is a side of (scope `matches:decide`).
    When both sides have accepted, the claim and the booking or service request are made."""
    actor = acting_for(partner, request, "matches:decide")
    return await up.matching.forward(request, f"/proposals/{proposal_id}/{decision}", actor)


@api.get("/needs")
async def list_needs(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Needs the key's organisation may see: the needs service's `GET /needs`, same filters and cursors."""
    return await up.needs.forward(request, "/needs", acting_for(partner, request, "read"))


@api.post("/needs", status_code=201)
async def post_need(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Posts a need of the key's organisation (scope `needs:write`); the body is the needs
    service's `POST /needs`."""
    return await up.needs.forward(request, "/needs", acting_for(partner, request, "needs:write"))


@api.get("/needs/{need_id}")
async def get_need(need_id: IdPath, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """One need with its claims."""
    return await up.needs.forward(request, f"/needs/{need_id}", acting_for(partner, request, "read"))


@api.post("/needs/{need_id}/claims", status_code=201)
async def claim_need(need_id: IdPath, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Claims part or all of a need for the key's organisation (scope `needs:write`), body
    `{"quantity": n}`; 409 when less is left."""
    return await up.needs.forward(request, f"/needs/{need_id}/claims", acting_for(partner, request, "needs:write"))


# --- venues, services and bookings: the resources service's API, as the key's organisation ---


@api.get("/resources")
async def search_resources(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Venues, lendables and services: the resources service's `GET /resources`, same filters
    (kind, category, area, near a point, free between two times) and cursors."""
    return await up.resources.forward(request, "/resources", acting_for(partner, request, "read"))


@api.post("/resources", status_code=201)
async def share_resource(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Shares a venue, lendable or service of the key's organisation (scope `resources:write`)."""
    return await up.resources.forward(request, "/resources", acting_for(partner, request, "resources:write"))


@api.get("/resources/{resource_id}")
async def get_resource(resource_id: IdPath, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    return await up.resources.forward(request, f"/resources/{resource_id}", acting_for(partner, request, "read"))


@api.patch("/resources/{resource_id}")
async def edit_resource(resource_id: IdPath, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Edits one of the organisation's resources (scope `resources:write`)."""
    actor = acting_for(partner, request, "resources:write")
    return await up.resources.forward(request, f"/resources/{resource_id}", actor)


@api.post("/resources/{resource_id}/{action}")
async def act_on_resource(
    resource_id: IdPath,
    action: Literal["publish", "pause", "resume", "withdraw", "requests"],
    request: Request,
    up: UpstreamsDep,
    partner: Partner,
) -> Response:
    """Moves one of the organisation's resources on (scope `resources:write`), or, with
    `requests`, requests another organisation's service or lendable for a day."""
    actor = acting_for(partner, request, "resources:write")
    return await up.resources.forward(request, f"/resources/{resource_id}/{action}", actor)


@api.post("/venues/{venue_id}/bookings", status_code=201)
async def book_venue(venue_id: IdPath, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Books a venue for the key's organisation (scope `resources:write`); 409 when the time is taken."""
    actor = acting_for(partner, request, "resources:write")
    return await up.resources.forward(request, f"/venues/{venue_id}/bookings", actor)


@api.post("/venues/{venue_id}/bookings/series", status_code=201)
async def book_series(venue_id: IdPath, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """A recurring booking, weekly or monthly (scope `resources:write`); each refused occurrence says why."""
    actor = acting_for(partner, request, "resources:write")
    return await up.resources.forward(request, f"/venues/{venue_id}/bookings/series", actor)


@api.get("/venues/{venue_id}/{calendar}")
async def venue_calendar(
    venue_id: IdPath,
    calendar: Literal["calendar", "calendar.ics"],
    request: Request,
    up: UpstreamsDep,
    partner: Partner,
) -> Response:
    """A venue's calendar, as JSON or as an iCalendar feed."""
    return await up.resources.forward(request, f"/venues/{venue_id}/{calendar}", acting_for(partner, request, "read"))


@api.get("/bookings")
async def list_bookings(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """The organisation's bookings and those of its venues (`status=requested`: approvals waiting)."""
    return await up.resources.forward(request, "/bookings", acting_for(partner, request, "read"))


@api.post("/bookings/{booking_id}/{action}")
async def act_on_booking(
    booking_id: IdPath,
    action: Literal["approve", "decline", "cancel", "no_show"],
    request: Request,
    up: UpstreamsDep,
    partner: Partner,
) -> Response:
    """Approves, declines or releases a booking of its venue, or cancels one (scope `resources:write`)."""
    actor = acting_for(partner, request, "resources:write")
    return await up.resources.forward(request, f"/bookings/{booking_id}/{action}", actor)


@api.get("/service-requests")
async def list_service_requests(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """The organisation's service requests, made and received."""
    return await up.resources.forward(request, "/service-requests", acting_for(partner, request, "read"))


@api.post("/service-requests/{request_id}/{action}")
async def act_on_service_request(
    request_id: IdPath,
    action: Literal["accept", "decline", "cancel"],
    request: Request,
    up: UpstreamsDep,
    partner: Partner,
) -> Response:
    """The provider accepts or declines; the requester cancels (scope `resources:write`)."""
    actor = acting_for(partner, request, "resources:write")
    return await up.resources.forward(request, f"/service-requests/{request_id}/{action}", actor)


AreaCode = Annotated[str | None, Query(pattern=r"^[0-9]{6,12}$", description="a node's code; the city without")]


@api.get("/stats")
async def statistics(request: Request, up: UpstreamsDep, area_code: AreaCode = None) -> Response:
    """The live figures of the city, or of any district, street or community: organisations,
    members, needs posted, claims completed (person-times), needs fulfilled, venues and services
    shared; by month and by category. Public: no key needed. The figures are kept up to
    `CACHE_SECONDS`, and the answer itself in the micro-cache (`gateway.microcache`)."""
    code = area_code or request.app.state.settings.city_code
    figures = await service.figures_of(up, component(request, service.Cached), code)
    return Response(json.dumps(figures, ensure_ascii=False).encode(), media_type="application/json")
