"""The HTTP routes of bookings: book a venue once or as a series, approve, decline, cancel,
release a no-show, import a ledger; a venue's calendar, as JSON and as an iCalendar feed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from contract.bodies.resources import BookingCreate, SeriesCreate
from contract.events.resources import BookingStatus
from contract.schemas import Moment
from resources.bookings import ical
from resources.bookings.models import Booking
from resources.bookings.schemas import BookingAction, BookingImport, BookingOut, CalendarEntry, SeriesOut
from resources.bookings.service import Bookings, may_see
from resources.resources.models import now
from resources.resources.service import Resources
from runtime.actors import ActorDep, MaybeActor
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import IdQuery

router = APIRouter(tags=["bookings"])

BookingsDep = Annotated[Bookings, Depends(provided(Bookings))]
ResourcesDep = Annotated[Resources, Depends(provided(Resources))]  # a calendar is shown to those its venue is


@router.post("/venues/{venue_id}/bookings", status_code=201, response_model=BookingOut)
async def book_venue(venue_id: str, body: BookingCreate, bookings: BookingsDep, actor: ActiveActor) -> Booking:
    """Books a venue on the half hour: `confirmed`, or `requested` while its organisation
    approves. 409 when the time is taken; 422 with the reason when it is past, outside the
    opening hours or more people than the venue holds; 403 when the venue's rules exclude the booker."""
    return await bookings.book(venue_id, body, actor)


@router.post("/venues/{venue_id}/bookings/series", status_code=201, response_model=SeriesOut)
async def book_series(
    venue_id: str, body: SeriesCreate, bookings: BookingsDep, actor: ActiveActor
) -> dict[str, object]:
    """A recurring booking, weekly or monthly: every occurrence is booked that can be; each of the
    others is reported with why not."""
    series_id, occurrences = await bookings.series(venue_id, body, actor)
    booked = sum(o.booking is not None for o in occurrences)
    return {"series_id": series_id, "booked": booked, "refused": len(occurrences) - booked, "occurrences": occurrences}


async def _window(
    start: Annotated[Moment | None, Query(alias="from")] = None,
    end: Annotated[Moment | None, Query(alias="to")] = None,
) -> tuple[datetime, datetime]:
    """A calendar's span: from `from` (now) to `to` (a month on)."""
    start = start or now()
    return start, end or start + timedelta(days=31)


Window = Annotated[tuple[datetime, datetime], Depends(_window)]


@router.get("/venues/{venue_id}/calendar", response_model=list[CalendarEntry])
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


@router.get("/venues/{venue_id}/calendar.ics", response_class=Response)
async def venue_ical(
    venue_id: str, resources: ResourcesDep, bookings: BookingsDep, actor: MaybeActor, window: Window
) -> Response:
    """The same calendar as an iCalendar feed (RFC 5545), to subscribe to from a calendar app."""
    venue = await resources.get(venue_id, actor)
    feed = ical.feed(venue, bookings.calendar(venue, *window, actor), actor)
    return Response(feed, media_type="text/calendar; charset=utf-8")


@router.get("/bookings", response_model=Page[BookingOut])
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


@router.post("/bookings/import")
async def import_bookings(body: BookingImport, bookings: BookingsDep, actor: ActiveActor) -> dict[str, int]:
    """Bookings kept elsewhere before (a venue's ledger), up to 1,000 a request, imported by an
    administrator of the venues' area: each holds its slots like any booking; one that clashes
    with a booking stored already is skipped and counted."""
    return await bookings.import_bookings(body, actor)


@router.get("/bookings/{booking_id}", response_model=BookingOut)
async def get_booking(booking_id: str, bookings: BookingsDep, actor: ActorDep) -> Booking:
    return await bookings.get(booking_id, actor)


@router.post("/bookings/{booking_id}/{action}", response_model=BookingOut)
async def act_on_booking(booking_id: str, action: BookingAction, bookings: BookingsDep, actor: ActiveActor) -> Booking:
    """`approve` or `decline` a requested booking, release a `no_show` (the venue's organisation);
    `cancel` (the booker or the venue's organisation). The slot is free again at once."""
    return await bookings.act(booking_id, action, actor)
