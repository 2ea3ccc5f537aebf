"""The portal for people of an organisation: its dashboard (needs, claims, activities,
resources, bookings, approvals waiting, service requests made and received, match proposals with
their reasons, live), posting a need, sharing a venue or a service, claiming a need, deciding
proposals and bookings. Members see and claim; the organisation's administrators also post,
share and decide."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from starlette.datastructures import FormData

from contract.bodies.needs import NeedCreate
from contract.bodies.resources import ResourceCreate, ResourceEdit
from gateway import service
from gateway.portal import reminders
from gateway.portal.accounts import Session
from gateway.portal.points import points_of
from gateway.portal.ratings import to_rate
from gateway.portal.registrations import home_community, of_home_community
from gateway.portal.service_requests import requests_of
from gateway.portal.web import (
    ItemId,
    OrgAdminIn,
    OrgPersonIn,
    Posted,
    ServicesDep,
    form_time,
    form_values,
    render,
)
from gateway.webhooks.live import LiveEvents
from runtime.app import provided

router = APIRouter(include_in_schema=False)


async def organization_of(up: ServicesDep, visitor: OrgPersonIn) -> dict[str, Any]:
    organization: dict[str, Any] = await up.get(up.organizations, f"/organizations/{visitor.account.organization_id}")
    return organization


async def _proposals(up: ServicesDep, organization_id: str) -> list[Any]:
    """The organisation's proposals still to decide, with their needs and supply, as it sees them."""
    assert up.actor is not None
    views, _ = await service.list_proposals(
        {"organization_id": organization_id, "status": ["proposed", "accepted"], "limit": 50},
        actor=up.actor,
        matching=up.matching,
        needs=up.needs,
        resources=up.resources,
    )
    return views


async def _home(up: ServicesDep) -> dict[str, Any] | None:
    """What the member's registered community (双报到) has for them, shown first."""
    return await of_home_community(up, await home_community(up))


async def _own_points(up: ServicesDep, visitor: Session) -> dict[str, Any] | None:
    """A member's own points and hours (attendance earns them), beside their organisation's."""
    member_id = visitor.account.member_id
    return None if member_id is None else await points_of(up, f"member:{member_id}")


@router.get("/org", response_class=HTMLResponse)
async def dashboard(request: Request, visitor: OrgPersonIn, up: ServicesDep) -> HTMLResponse:
    """Everything of the organisation at a glance, with proposals that arrive while it is open."""
    organization_id = visitor.account.organization_id
    assert organization_id is not None
    (
        organization,
        needs,
        claimed,
        activities,
        resources,
        bookings,
        requests,
        proposals,
        letters,
        waiting,
        points,
        home,
        my_points,
    ) = await asyncio.gather(
        organization_of(up, visitor),
        up.get(up.needs, "/needs", {"organization_id": organization_id, "limit": 50}),
        up.get(up.needs, "/needs", {"claimed_by": organization_id, "limit": 50}),
        up.get(up.needs, "/activities", {"mine": "true", "limit": 50}),
        up.get(up.resources, "/resources", {"organization_id": organization_id, "limit": 50}),
        up.get(up.resources, "/bookings", {"limit": 100}),
        requests_of(up),
        _proposals(up, organization_id),
        up.get(up.needs, "/thank-you-letters", {"limit": 20}),
        to_rate(up),
        points_of(up, f"organization:{organization_id}"),
        _home(up),
        _own_points(up, visitor),
    )
    approvals = [
        b for b in bookings["items"] if b["status"] == "requested" and b["venue_organization_id"] == organization_id
    ]
    booker_ids = sorted({b["organization_id"] for b in approvals if b["organization_id"]})
    bookers = await asyncio.gather(*(up.organizations.find(f"/organizations/{i}") for i in booker_ids))
    return await render(
        request,
        "org.html",
        visitor,
        organization=organization,
        needs=needs["items"],
        claimed=claimed["items"],
        activities=activities["items"],
        resources=resources["items"],
        bookings=bookings["items"],
        approvals=sorted(approvals, key=lambda b: b["starts_at"]),  # the soonest first: decided first
        venue_names={r["id"]: r["name"] for r in resources["items"]},
        booker_names={i: o["name"] for i, o in zip(booker_ids, bookers, strict=True) if o},
        received=[r for r in requests if r["provider_organization_id"] == organization_id],
        requested=[r for r in requests if r["organization_id"] == organization_id],
        proposals=proposals,
        letters=letters["items"],
        to_rate=waiting,
        points=points,
        home=home,
        my_points=my_points,
        reminders=reminders.for_organization(organization_id, claimed["items"], approvals),
    )


@router.get("/org/proposals", response_class=HTMLResponse)
async def proposals_part(request: Request, visitor: OrgPersonIn, up: ServicesDep) -> HTMLResponse:
    """The proposals table alone, which the dashboard reloads when one arrives."""
    assert visitor.account.organization_id is not None
    proposals = await _proposals(up, visitor.account.organization_id)
    return await render(request, "proposals.html", visitor, proposals=proposals)


@router.get("/org/events")
async def live(visitor: OrgPersonIn, events: Annotated[LiveEvents, Depends(provided(LiveEvents))]) -> StreamingResponse:
    """The organisation's events as server-sent events, for the dashboard."""
    assert visitor.account.organization_id is not None
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    stream = events.stream(visitor.account.organization_id)
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


@router.post("/org/proposals/{proposal_id}/{decision}")
async def decide(
    proposal_id: ItemId, decision: Literal["accept", "decline"], visitor: OrgAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    return await up.act(up.matching, f"/proposals/{proposal_id}/{decision}", "/org")


@router.post("/org/bookings/{booking_id}/{action}")
async def decide_booking(
    booking_id: ItemId, action: Literal["approve", "decline"], visitor: OrgAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    return await up.act(up.resources, f"/bookings/{booking_id}/{action}", "/org")


async def placed_at(up: ServicesDep, visitor: OrgPersonIn) -> dict[str, Any]:
    """Where what an organisation posts is: its area and its point."""
    organization = await organization_of(up, visitor)
    return {"area_code": organization["area_code"], "lat": organization.get("lat"), "lon": organization.get("lon")}


@router.get("/org/needs/new", response_class=HTMLResponse)
async def need_form(request: Request, visitor: OrgAdminIn) -> HTMLResponse:
    return await render(request, "need_new.html", visitor, error=None, values={})


@router.post("/org/needs", response_model=None)
async def post_need(request: Request, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> Any:
    """Posts a need in the organisation's place: matching proposes supply for it at once."""
    values = form_values(form, "title", "description", "category", "quantity", "starts_at", "ends_at", "draft")
    body = {
        **values,
        "draft": form.get("draft") == "on",
        **await placed_at(up, visitor),
        "quantity": values["quantity"] or 1,
        "starts_at": form_time(values["starts_at"]),
        "ends_at": form_time(values["ends_at"]),
    }
    fields = {k: v for k, v in body.items() if v is not None}
    return await up.make(
        request, up.needs, "/needs", NeedCreate, fields, values=values, template="need_new.html", page="/needs"
    )


def described(form: FormData) -> tuple[dict[str, str], dict[str, Any]]:
    """What a resource's form says of it: the values as typed (to show again if refused), and
    the fields the contract takes (`ResourceFields`, as sharing and editing send them)."""
    values = form_values(form, "name", "description", "capacity", "address", "opens", "closes", "bookable_by")
    values |= {"facilities": str(form.get("facilities", "")), "photos": str(form.get("photos", ""))}
    days = sorted({int(d) for d in map(str, form.getlist("days")) if d in {"1", "2", "3", "4", "5", "6", "7"}})
    values["days"] = ",".join(str(d) for d in days)
    values["needs_approval"] = "on" if form.get("needs_approval") == "on" else ""
    fields = {
        "name": values["name"],
        "description": values["description"],
        "address": values["address"],
        "capacity": values["capacity"] or 1,
        "needs_approval": bool(values["needs_approval"]),
        "bookable_by": values["bookable_by"] or "anyone",
        "opening_hours": [{"days": days, "opens": values["opens"] or "08:00", "closes": values["closes"] or "21:00"}],
        "facilities": [f.strip() for f in re.split(r"[,,、\n]", values["facilities"]) if f.strip()],
        "photos": [p.strip() for p in values["photos"].splitlines() if p.strip()],
    }
    return values, fields


def as_typed(resource: dict[str, Any]) -> dict[str, str]:
    """A resource as its edit form shows it (its first opening period)."""
    hours = resource["opening_hours"][0]
    return {
        "name": resource["name"],
        "description": resource["description"],
        "capacity": str(resource["capacity"]),
        "address": resource["address"],
        "opens": hours["opens"][:5],
        "closes": hours["closes"][:5],
        "days": ",".join(str(d) for d in hours["days"]),
        "bookable_by": resource["bookable_by"],
        "needs_approval": "on" if resource["needs_approval"] else "",
        "facilities": "、".join(resource["facilities"]),
        "photos": "\n".join(resource["photos"]),
    }


@router.post("/org/resources/{resource_id}/edit")
async def edit_resource(resource_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Changes what the organisation says of its resource; the service refuses another's."""
    _, fields = described(form)
    page = f"/resources/{resource_id}"
    return await up.act(up.resources, page, page, ResourceEdit, fields, method="PATCH")


@router.post("/org/resources/{resource_id}/{action}")
async def act_on_resource(
    resource_id: ItemId,
    action: Literal["pause", "resume", "withdraw"],
    visitor: OrgAdminIn,
    form: Posted,
    up: ServicesDep,
) -> RedirectResponse:
    """Pauses taking bookings and requests, resumes, or withdraws the resource for good (a
    withdrawn venue's bookings to come are cancelled, their bookers told)."""
    return await up.act(up.resources, f"/resources/{resource_id}/{action}", f"/resources/{resource_id}")


@router.get("/org/resources/new", response_class=HTMLResponse)
async def resource_form(request: Request, visitor: OrgAdminIn) -> HTMLResponse:
    return await render(request, "resource_new.html", visitor, error=None, values={})


@router.post("/org/resources", response_model=None)
async def share(request: Request, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> Any:
    """Shares a venue, a service or a lendable at the organisation's place, published at once:
    its opening days and hours, facilities, photos (their addresses) and who may book it."""
    values, fields = described(form)
    values |= form_values(form, "kind", "category")
    body = {**fields, "kind": values["kind"], "category": values["category"], **await placed_at(up, visitor)}
    return await up.make(
        request,
        up.resources,
        "/resources",
        ResourceCreate,
        body,
        values=values,
        template="resource_new.html",
        page="/resources",
    )
