"""The booking rules that need no database: a published venue takes bookings, from its own area
only when it says so; on the half hour, ahead but not too far, for 12 hours at most, while it is
open and for no more people than it holds; an imported booking's span; a series' occurrences;
the half hours a time range takes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from contract.bodies.resources import SeriesCreate
from contract.eligibility import may_book
from contract.errors import Conflict, Forbidden, Unprocessable
from contract.events.resources import BookableBy, ResourceKind, ResourceStatus
from contract.opening_hours import LOCAL
from resources.resources.models import Resource, now

SLOT = timedelta(minutes=30)  # bookings start and end on the half hour
MAX_BOOKING = timedelta(hours=12)
BOOK_AHEAD = timedelta(days=366)
MAX_CALENDAR = timedelta(days=400)


def check_bookable(resource: Resource) -> None:
    """A published venue takes bookings; other resources are requested, not booked."""
    if resource.kind is not ResourceKind.VENUE:
        raise Unprocessable(
            f"a {resource.kind.value} is not booked by time: request it instead", kind=resource.kind.value
        )
    if resource.status is not ResourceStatus.PUBLISHED:
        raise Conflict(f"the venue is {resource.status.value}: it takes no bookings", status=resource.status.value)


def check_booker(venue: Resource, area_code: str | None, *, organization: bool, partner: bool = False) -> None:
    """Refuses a booker, other than the venue's organisation, that the venue does not take
    (`contract.eligibility.may_book`), saying why."""
    if may_book(venue.bookable_by, venue.area_code, area_code, organization=organization, partner=partner):
        return
    if venue.bookable_by is BookableBy.PARTNERS:
        raise Forbidden(
            "this venue is booked by partner organisations only: parties to a co-building agreement with its "
            "organisation, or its community's neighbour partners",
            bookable_by="partners",
        )
    raise Forbidden(
        "this venue is booked by people and organisations of its own area only",
        bookable_by="area",
        area_code=venue.area_code,
    )


def check_time(venue: Resource, start: datetime, end: datetime, attendees: int) -> None:
    """Refuses, with the reason, a range that is not on the half hour, past, too long or too far
    ahead, outside the venue's opening hours, or more people than it holds."""
    if any(moment.timestamp() % SLOT.total_seconds() for moment in (start, end)):
        raise Unprocessable("bookings start and end on the hour or the half hour")
    if start <= now():
        raise Unprocessable("the time has begun already: book a time to come", starts_at=start.isoformat())
    if end - start > MAX_BOOKING:
        raise Unprocessable("a booking lasts at most 12 hours; book a series for more")
    if start - now() > BOOK_AHEAD:
        raise Unprocessable("a venue is booked at most a year ahead")
    if not venue.open_between(start, end):
        local = f"{start.astimezone(LOCAL):%a %Y-%m-%d %H:%M}-{end.astimezone(LOCAL):%H:%M}"
        raise Unprocessable(f"the venue is not open {local} (China Standard Time)", opening_hours=venue_hours(venue))
    if attendees > venue.capacity:
        raise Unprocessable(f"the venue holds {venue.capacity} people", capacity=venue.capacity)


def check_imported(booking_id: str, start: datetime, end: datetime) -> None:
    """An imported booking may be past, but is on the half hour and lasts up to 12 hours like any."""
    if end <= start or end - start > MAX_BOOKING or any(t.timestamp() % SLOT.total_seconds() for t in (start, end)):
        raise Unprocessable("a booking lasts up to 12 hours, on the half hour", booking_id=booking_id)


def venue_hours(venue: Resource) -> list[dict[str, object]]:
    return [p.model_dump(mode="json") for p in venue.opening_hours]


def widen(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The half-hour slots that cover a time range."""
    step = SLOT.total_seconds()
    first = datetime.fromtimestamp(start.timestamp() // step * step, UTC)
    last = datetime.fromtimestamp(-(-end.timestamp() // step) * step, UTC)
    return first, last


def slot_starts(start: datetime, end: datetime) -> list[datetime]:
    """The half hours a time range takes."""
    count = (end - start) // SLOT
    return [start + i * SLOT for i in range(count)]


def repeat(cmd: SeriesCreate) -> Iterator[tuple[datetime, datetime]]:
    """The occurrences of a recurring booking, in the booking's local time: weekly on its weekday,
    or monthly on its day of the month (months without that day are skipped)."""
    first = cmd.starts_at.astimezone(LOCAL)
    length = cmd.ends_at - cmd.starts_at
    limit = cmd.count or 52
    made = 0
    for k in range(52 * 2):
        if cmd.repeat == "weekly":
            start: datetime | None = first + timedelta(weeks=k)
        else:
            start = _add_months(first, k)
        if start is None:
            continue
        if (cmd.until is not None and start.date() > cmd.until) or made == limit:
            return
        made += 1
        yield start, start + length


def _add_months(moment: datetime, months: int) -> datetime | None:
    month = moment.month - 1 + months
    try:
        return moment.replace(year=moment.year + month // 12, month=month % 12 + 1)
    except ValueError:
        return None  # no such day that month
