"""A venue's calendar as an iCalendar feed (RFC 5545), to subscribe to from a calendar app."""

from __future__ import annotations

from contract.events.resources import BookingStatus
from resources.bookings.models import Booking
from resources.bookings.service import may_see
from resources.resources.models import Resource
from runtime.actors import Actor


def feed(venue: Resource, bookings: list[Booking], actor: Actor | None) -> bytes:
    """One event per booking, tentative while it waits for approval; what a booking is for only
    for those who may see it."""
    # imported at the first feed asked for, not at start: a tenth of the service's start-up
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Party-building supermarket//resources//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", venue.name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for booking in bookings:
        entry = Event()
        entry.add("uid", f"{booking.id}@resources.pbs")
        entry.add("dtstamp", booking.decided_at or booking.created_at)
        entry.add("dtstart", booking.starts_at)
        entry.add("dtend", booking.ends_at)
        shown = actor is not None and may_see(booking, actor) and booking.purpose
        entry.add("summary", booking.purpose if shown else "已预约")
        entry.add("status", "CONFIRMED" if booking.status is BookingStatus.CONFIRMED else "TENTATIVE")
        entry.add("location", venue.address or venue.name)
        calendar.add_component(entry)
    return bytes(calendar.to_ical())
