"""The portal for residents: their micro-wishes (post, follow, confirm done), venue bookings and
requests of services and lendables. Booking a venue from its calendar is for anyone signed in:
a resident for themself, a person of an organisation for it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contract.bodies.needs import WishCreate
from contract.bodies.resources import BookingCreate
from gateway.portal.points import points_of
from gateway.portal.ratings import to_rate
from gateway.portal.service_requests import requests_of
from gateway.portal.web import (
    CST,
    ItemId,
    Posted,
    ResidentIn,
    ServicesDep,
    SignedIn,
    back_to,
    form_values,
    refusal_of,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/me", response_class=HTMLResponse)
async def mine(request: Request, visitor: ResidentIn, up: ServicesDep) -> HTMLResponse:
    """The resident's micro-wishes with their progress, the activities they signed up for, their
    bookings and their requests of services and lendables, and their points and hours."""
    wishes, activities, bookings, requests, waiting, points = await asyncio.gather(
        up.get(up.needs, "/wishes", {"limit": 50}),
        up.get(up.needs, "/activities", {"mine": "true", "limit": 50}),
        up.get(up.resources, "/bookings", {"limit": 50}),
        requests_of(up),
        to_rate(up),
        points_of(up, f"resident:{visitor.account.id}"),  # attendance at activities earns them
    )
    return await render(
        request,
        "me.html",
        visitor,
        wishes=wishes["items"],
        activities=activities["items"],
        bookings=bookings["items"],
        requests=requests,
        to_rate=waiting,
        my_points=points,
    )


@router.post("/me/wishes")
async def post_wish(visitor: ResidentIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Posts a micro-wish in the resident's own name and community."""
    body = {
        "resident_name": visitor.account.name,
        "title": str(form.get("title", "")),
        "description": str(form.get("description", "")),
        "category": str(form.get("category", "elderly_care")),
    }
    return await up.act(up.needs, "/wishes", "/me", WishCreate, body)


@router.post("/me/wishes/{wish_id}/{action}")
async def act_on_wish(
    wish_id: ItemId, action: Literal["confirm", "cancel"], visitor: ResidentIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    """Confirms a wish was done (after its claimer's proof), or withdraws it."""
    return await up.act(up.needs, f"/wishes/{wish_id}/{action}", "/me")


@router.post("/resources/{venue_id}/book")
async def book(venue_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Books the half hours picked on the venue's calendar; the booking's page confirms it. A
    refusal shows the calendar again with what was filled in."""
    typed = form_values(form, "starts_at", "minutes", "attendees", "purpose")
    again = f"/resources/{venue_id}?" + urlencode(typed) + "#book"
    try:
        starts_at = datetime.fromisoformat(typed["starts_at"]).replace(tzinfo=CST)
        minutes = int(typed["minutes"] or "60")
        attendees = int(typed["attendees"] or "1")
        ends_at = starts_at + timedelta(minutes=minutes)
    except (ValueError, OverflowError):
        return back_to(again, "refused_pick_a_time")
    body = {
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "attendees": attendees,
        "purpose": str(form.get("purpose", "")),
    }
    response = await up.send(up.resources, f"/venues/{venue_id}/bookings", BookingCreate, body)
    if error := refusal_of(response):
        return back_to(again.replace("#", f"&week={starts_at.date().isoformat()}#"), error)
    return back_to(f"/bookings/{response.json()['id']}")


@router.get("/bookings/{booking_id}", response_class=HTMLResponse)
async def booking_page(booking_id: ItemId, request: Request, visitor: SignedIn, up: ServicesDep) -> HTMLResponse:
    """A booking and what became of it: confirmed, or waiting for the venue's approval."""
    booking = await up.get(up.resources, f"/bookings/{booking_id}")
    venue = await up.get(up.resources, f"/resources/{booking['venue_id']}")
    return await render(request, "booking.html", visitor, booking=booking, venue=venue)


@router.post("/bookings/{booking_id}/cancel")
async def cancel_booking(booking_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    return await up.act(up.resources, f"/bookings/{booking_id}/cancel", f"/bookings/{booking_id}")
