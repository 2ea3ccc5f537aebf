"""Booking venues: one booking, a recurring series, approval, cancellation, no-show release, the
calendar, and the bookings that accepted matches make.

A booking places its slots (`bookings.slots`: the database refuses a second holder of a half
hour) and is then stored with its event; one that ends is stored as ended and then gives its
slots back. When a venue may be booked is in `bookings.rules`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

from contract.bodies.resources import BookingCreate, SeriesCreate
from contract.commitments import periods
from contract.errors import Conflict, DomainError, Forbidden, InvalidReference, NotFound, Unprocessable
from contract.events import Envelope, construct, constructed_of, data_of
from contract.events.cobuilding import AgreementEnded, AgreementSigned
from contract.events.matching import MatchAccepted, MatchAcceptedData, MatchFailed
from contract.events.resources import (
    BookingCancelled,
    BookingConfirmed,
    BookingData,
    BookingRefused,
    BookingRefusedData,
    BookingRequested,
    BookingStatus,
    ResourceKind,
    ResourceStatus,
)
from contract.ids import entity_id, new_id
from contract.opening_hours import LOCAL
from resources.bookings.models import HOLDING, Booking
from resources.bookings.repository import BookingRepository
from resources.bookings.rules import (
    BOOK_AHEAD,
    MAX_CALENDAR,
    check_bookable,
    check_booker,
    check_imported,
    check_time,
    repeat,
    slot_starts,
    widen,
)
from resources.bookings.schemas import BookingAction, BookingImport, Occurrence, PastBooking
from resources.bookings.slots import HoldsSlots, Slots, Taken, slot_id
from resources.resources.models import Resource, now
from resources.resources.service import SOURCE, Resources
from resources.view import SupplyView
from runtime.actors import Actor, ActorKind
from runtime.known_organizations import OrganizationLookup, require_each
from runtime.partners import Partnered, nobody
from runtime.repository import Announcements

ENDED_BY = {
    BookingAction.DECLINE: BookingStatus.DECLINED,
    BookingAction.CANCEL: BookingStatus.CANCELLED,
    BookingAction.NO_SHOW: BookingStatus.NO_SHOW,
}


def booking_data(booking: Booking) -> BookingData:
    return data_of(BookingData, booking, booking_id=booking.id)


def announce(booking: Booking) -> Envelope:
    event_type = {BookingStatus.REQUESTED: BookingRequested, BookingStatus.CONFIRMED: BookingConfirmed}.get(
        booking.status, BookingCancelled
    )
    return event_type(source=SOURCE, subject=booking.id, data=booking_data(booking))


def imported(booking: Booking) -> BookingConfirmed:
    """An imported booking's confirmation, made of values validated already (an import makes a
    hundred thousand: validating each again was a fifth of the import's time)."""
    data = constructed_of(BookingData, booking, booking_id=booking.id, imported=True)
    return construct(BookingConfirmed, source=SOURCE, subject=booking.id, data=data)


def proposal_booking_id(proposal_id: str) -> str:
    """The booking an accepted match makes: one per proposal, however often the event comes."""
    return entity_id("booking", proposal_id)


def holding(repo: BookingRepository) -> HoldsSlots:
    """Whether a booking takes up its slots: what `Slots` asks of a slot it runs into."""

    async def holds(booking_id: str) -> bool:
        booking = await repo.get(booking_id)
        return booking is not None and booking.status in HOLDING

    return holds


class Bookings:
    def __init__(
        self,
        repo: BookingRepository,
        slots: Slots,
        resources: Resources,
        organizations: OrganizationLookup,
        view: SupplyView,
        announcements: Announcements,
        partners: Partnered = nobody,
    ) -> None:
        self.repo = repo
        self.partners = partners  # who co-builds with whom: a venue for partners takes their bookings
        self.announcements = announcements
        self.slots = slots
        self.resources = resources
        self.organizations = organizations
        self.view = view
        # the half hours of the imports in flight here, until the view holds them: imports run
        # side by side, and a clash among them would reach the database (see `import_bookings`)
        self._importing: set[str] = set()

    async def book(self, venue_id: str, cmd: BookingCreate, actor: Actor, *, series_id: str | None = None) -> Booking:
        """Books a venue for the acting organisation or resident: confirmed at once, or requested
        when the venue needs approval (its own organisation's bookings never do)."""
        venue = await self.resources.get(venue_id, actor)
        check_bookable(venue)
        own = actor.is_organization(venue.organization_id)
        if not own:
            await self._check_booker(venue, actor)
        booking = Booking(
            id=new_id(),
            venue_id=venue.id,
            venue_organization_id=venue.organization_id,
            organization_id=actor.organization_id if actor.kind is ActorKind.ORGANIZATION else None,
            resident_id=actor.resident_id if actor.kind is ActorKind.RESIDENT else None,
            starts_at=cmd.starts_at.astimezone(UTC),
            ends_at=cmd.ends_at.astimezone(UTC),
            attendees=cmd.attendees,
            purpose=cmd.purpose,
            status=BookingStatus.CONFIRMED if own or not venue.needs_approval else BookingStatus.REQUESTED,
            series_id=series_id,
            need_id=cmd.need_id,
        )
        return await self._hold(venue, booking)

    async def book_for_proposal(self, venue: Resource, accepted: MatchAcceptedData) -> Booking:
        """Books a venue for an accepted proposal: for the need's organisation, for the need's time
        widened to the half hour, confirmed (both sides have agreed); the booking's id is made from
        the proposal's."""
        check_bookable(venue)
        if venue.organization_id != accepted.need_organization_id:
            await self._check_organization(venue, accepted.need_organization_id)
        if accepted.starts_at is None or accepted.ends_at is None:
            raise Unprocessable("the need names no time to book the venue for")
        start, end = widen(accepted.starts_at, accepted.ends_at)
        booking = Booking(
            id=proposal_booking_id(accepted.proposal_id),
            venue_id=venue.id,
            venue_organization_id=venue.organization_id,
            organization_id=accepted.need_organization_id,
            starts_at=start,
            ends_at=end,
            purpose="matched",
            status=BookingStatus.CONFIRMED,
            proposal_id=accepted.proposal_id,
            need_id=accepted.need_id,
        )
        return await self._hold(venue, booking)

    async def _hold(self, venue: Resource, booking: Booking) -> Booking:
        """Stores a booking if its time suits the venue and its slots are free."""
        check_time(venue, booking.starts_at, booking.ends_at, booking.attendees)
        taken = self.view.busy(venue.id, booking.starts_at, booking.ends_at)
        if taken:  # known taken: the database is not asked (it would refuse all the same)
            raise Taken.at(venue.id, max(booking.starts_at, taken[0].starts_at))
        await self.slots.place(booking)
        try:
            await self.repo.add(booking, [announce(booking)])
        except BaseException:
            await self.slots.release(booking.id)
            raise
        return booking

    async def _check_booker(self, venue: Resource, actor: Actor) -> None:
        """Whether someone other than the venue's organisation may book it."""
        if actor.kind is ActorKind.ORGANIZATION and actor.organization_id is not None:
            await self._check_organization(venue, actor.organization_id)
        elif actor.kind is ActorKind.RESIDENT and actor.resident_id is not None:
            check_booker(venue, actor.area_code, organization=False)
        else:
            raise Forbidden("venues are booked by an organisation or a resident", actor=actor.kind.value)

    async def _check_organization(self, venue: Resource, organization_id: str) -> None:
        """Whether an organisation other than the venue's may book it: one that may act, of the
        venue's area when the venue is its area's only."""
        area_code = str((await self.organizations.require_active(organization_id))["area_code"])
        partner = self.partners(organization_id, venue.organization_id, venue.area_code)
        check_booker(venue, area_code, organization=True, partner=partner)

    async def series(self, venue_id: str, cmd: SeriesCreate, actor: Actor) -> tuple[str, list[Occurrence]]:
        """Books every occurrence of a recurring booking; those that cannot be booked (taken,
        closed that day) are reported each with its reason, the others booked all the same."""
        series_id = new_id()
        occurrences = []
        for start, end in repeat(cmd):
            occurrence = Occurrence(starts_at=start, ends_at=end)
            try:
                one = cmd.model_copy(update={"starts_at": start, "ends_at": end})
                booked = await self.book(venue_id, one, actor, series_id=series_id)
                occurrence.booking = booked  # type: ignore[assignment]  # validated as BookingOut when answered
            except (Conflict, Unprocessable) as exc:
                occurrence.refused = exc.message
            occurrences.append(occurrence)
        return series_id, occurrences

    async def get(self, booking_id: str, actor: Actor | None) -> Booking:
        booking = self.view.bookings.get(booking_id) or await self.repo.get(booking_id)
        if booking is None or actor is None or not may_see(booking, actor):
            raise NotFound(f"no booking {booking_id!r}")
        return booking

    async def act(self, booking_id: str, action: BookingAction, actor: Actor) -> Booking:
        """The venue's organisation approves, declines or releases a no-show; the booker or the
        venue's organisation cancels."""

        def decide(booking: Booking) -> list[Envelope]:
            if not may_see(booking, actor):
                raise NotFound(f"no booking {booking_id!r}")
            venue_side = actor.is_organization(booking.venue_organization_id)
            if action is BookingAction.CANCEL:
                if not (venue_side or is_booker(booking, actor)):
                    raise Forbidden("the booker or the venue's organisation cancels a booking")
                if booking.ends_at <= now():
                    raise Conflict("the booking is over; it cannot be cancelled")
            elif not venue_side:
                raise Forbidden(f"only the venue's organisation may {action.value} a booking")
            if action is BookingAction.APPROVE:
                if booking.status is not BookingStatus.REQUESTED:
                    raise Conflict(f"the booking is {booking.status.value}: nothing to approve")
                booking.status, booking.decided_at = BookingStatus.CONFIRMED, now()
                return [announce(booking)]
            if action is BookingAction.DECLINE and booking.status is not BookingStatus.REQUESTED:
                raise Conflict(f"the booking is {booking.status.value}: nothing to decline")
            if action is BookingAction.NO_SHOW and not booking.starts_at <= now() < booking.ends_at:
                raise Conflict("a no-show is released while the booking is under way")
            status = ENDED_BY[action]
            by_venue = action is BookingAction.CANCEL and not is_booker(booking, actor)
            booking.end(status, "cancelled_by_venue" if by_venue else status.value)
            return [announce(booking)]

        return await self._change(booking_id, decide)

    async def _change(self, booking_id: str, decide: Callable[[Booking], list[Envelope]]) -> Booking:
        booking, _ = await self.repo.change(booking_id, decide, cached=self.view.bookings.get(booking_id))
        if booking.status not in HOLDING:
            await self.slots.release(booking.id)
        return booking

    def mine(
        self, actor: Actor, *, venue_id: str | None, status: BookingStatus | None, after: str | None, limit: int
    ) -> list[Booking]:
        """The actor's bookings and its venues', in id order after `after`: from those the actor
        is a party to, not from the city's."""
        party = actor.organization_id or actor.resident_id
        found = sorted(
            (b.id, b)
            for b in (self.view.bookings_of(party) if party else [])
            if (venue_id is None or b.venue_id == venue_id)
            and (status is None or b.status is status)
            and (after is None or b.id > after)
            and may_see(b, actor)
        )
        return [b for _, b in found[:limit]]

    async def import_bookings(self, cmd: BookingImport, actor: Actor) -> dict[str, int]:
        """Past and future bookings kept elsewhere, confirmed, for venues in the administrator's
        area. They take their slots as one bulk insert; those that clash with a booking held
        already, with one before them in the import or with one of another import in flight,
        are skipped. A booking stored already (a resumed import) is left as it is; none tells
        its booker (`BookingData.imported`)."""
        taken: set[str] = set()  # the half hours of this import's bookings
        try:
            return await self._import(cmd, actor, taken)
        finally:
            self._importing -= taken

    async def _import(self, cmd: BookingImport, actor: Actor, taken: set[str]) -> dict[str, int]:
        checked: list[tuple[PastBooking, Resource, datetime, datetime]] = []
        for row in cmd.bookings:
            if row.id in self.view.bookings:
                continue  # imported before
            venue = self.view.resources.get(row.venue_id)
            if venue is None or venue.kind is not ResourceKind.VENUE:
                raise InvalidReference(f"no venue {row.venue_id!r}", field="venue_id")
            if not actor.administers(venue.area_code):
                raise Forbidden("an administrator imports the bookings of their own area", area_code=venue.area_code)
            start, end = row.starts_at.astimezone(UTC), row.ends_at.astimezone(UTC)
            check_imported(row.id, start, end)
            checked.append((row, venue, start, end))
        await require_each(self.organizations, (row.organization_id for row, *_ in checked))
        bookings: list[Booking] = []
        clashed = 0
        for row, venue, start, end in checked:
            # those this process knows to clash, with what is stored or with an import in flight,
            # are left out before the insert: one refused slot makes FerretDB insert the whole
            # batch again, a slot at a time
            halves = {slot_id(venue.id, moment) for moment in slot_starts(start, end)}
            if not self.view.is_free(venue.id, start, end) or not self._importing.isdisjoint(halves):
                clashed += 1
                continue
            taken |= halves
            self._importing |= halves
            bookings.append(
                Booking(
                    id=row.id,
                    venue_id=venue.id,
                    venue_organization_id=venue.organization_id,
                    organization_id=row.organization_id,
                    starts_at=start,
                    ends_at=end,
                    attendees=row.attendees,
                    purpose=row.purpose,
                    status=BookingStatus.CONFIRMED,
                    decided_at=start,
                    created_at=start,
                )
            )
        placed = await self.slots.insert_many(bookings)
        inserted = await self.repo.insert_many([(b, [imported(b)]) for b in placed], group=f"bookings-{new_id()}")
        return {"received": len(cmd.bookings), "imported": inserted, "clashed": clashed + len(bookings) - len(placed)}

    def calendar(self, venue: Resource, start: datetime, end: datetime, actor: Actor | None) -> list[Booking]:
        if end <= start or end - start > MAX_CALENDAR:
            raise Unprocessable("a calendar spans at most 400 days, from before to", max_days=MAX_CALENDAR.days)
        return self.view.busy(venue.id, start, end)

    async def sweep(self) -> int:
        """Ends what is overdue: requests not approved before they began, and future bookings of
        venues withdrawn since (a withdrawal cancels them; this finishes one cut short)."""
        moment, changed = now(), 0
        for booking in list(self.view.bookings.values()):
            if booking.status not in HOLDING:
                continue
            venue = self.view.resources.get(booking.venue_id)
            if booking.status is BookingStatus.REQUESTED and booking.starts_at <= moment:
                changed += await self._end_quietly(booking.id, BookingStatus.EXPIRED, "not_approved")
            elif venue is not None and venue.status is ResourceStatus.WITHDRAWN and booking.ends_at > moment:
                changed += await self._end_quietly(booking.id, BookingStatus.CANCELLED, "venue_withdrawn")
        return changed

    async def cancel_all(self, venue: Resource, reason: str) -> int:
        """Cancels a venue's bookings still to come (it was withdrawn)."""
        moment, changed = now(), 0
        for booking in self.view.busy(venue.id, moment, moment + BOOK_AHEAD):
            changed += await self._end_quietly(booking.id, BookingStatus.CANCELLED, reason)
        return changed

    async def _end_quietly(self, booking_id: str, status: BookingStatus, reason: str) -> int:
        def decide(booking: Booking) -> list[Envelope]:
            if booking.status not in HOLDING:
                return []
            booking.end(status, reason)
            return [announce(booking)]

        await self._change(booking_id, decide)
        return 1

    async def on_agreement_signed(self, event: AgreementSigned) -> None:
        """A co-building agreement in force books each venue commitment's occurrences still to come
        on the venue's calendar, for the party it is for, confirmed (the venue's own organisation
        committed it). An occurrence whose slot another booking holds stays that booking's: it is
        left unbooked, and the co-building service shows it so. Each booking's id is made from its
        commitment's and its time, so an event handled twice books nothing twice."""
        data = event.data
        for commitment in data.commitments:
            venue = self.view.resources.get(commitment.venue_id or "")
            if (
                venue is None
                or venue.kind is not ResourceKind.VENUE
                or venue.organization_id != commitment.by_organization_id
                or commitment.for_organization_id is None
                or commitment.starts is None
                or commitment.ends is None
            ):
                continue  # not a venue commitment the co-building service would have taken
            for day, _ in periods(commitment, data.starts_on, data.ends_on):
                start = datetime.combine(day, commitment.starts, LOCAL).astimezone(UTC)
                booking_id = entity_id("booking", f"{commitment.commitment_id}:{start.isoformat()}")
                if start <= now() or await self.repo.get(booking_id) is not None:
                    continue
                booking = Booking(
                    id=booking_id,
                    venue_id=venue.id,
                    venue_organization_id=venue.organization_id,
                    organization_id=commitment.for_organization_id,
                    starts_at=start,
                    ends_at=datetime.combine(day, commitment.ends, LOCAL).astimezone(UTC),
                    purpose=commitment.what,
                    status=BookingStatus.CONFIRMED,
                    series_id=commitment.commitment_id,
                    agreement_id=data.agreement_id,
                )
                with contextlib.suppress(DomainError):  # taken, or closed that day
                    await self._hold(venue, booking)

    async def on_agreement_ended(self, event: AgreementEnded) -> None:
        """An agreement ended gives back the slots its venue commitments still held."""
        commitments = {c.commitment_id for c in event.data.commitments if c.venue_id}
        moment = now()
        for booking in list(self.view.bookings.values()):
            if booking.series_id in commitments and booking.status in HOLDING and booking.starts_at > moment:
                await self._end_quietly(booking.id, BookingStatus.CANCELLED, "agreement_ended")

    async def on_match_accepted(self, event: MatchAccepted) -> None:
        """An accepted match with a venue books it for the need's time, for the need's
        organisation; when it cannot, `booking.refused` says why (matching compensates)."""
        data = event.data
        venue = self.view.resources.get(data.resource_id)
        if venue is None or venue.kind is not ResourceKind.VENUE:
            return
        if await self.repo.get(proposal_booking_id(data.proposal_id)) is not None:
            return  # booked (or compensated) already: a redelivery
        try:
            await self.book_for_proposal(venue, data)
        except DomainError as exc:
            refused = BookingRefusedData(
                proposal_id=data.proposal_id, venue_id=venue.id, need_id=data.need_id, reason=exc.message
            )
            await self.announcements.announce(BookingRefused(source=SOURCE, subject=venue.id, data=refused))

    async def on_match_failed(self, event: MatchFailed) -> None:
        """The claim half of an accepted proposal was refused: the booking made for it is cancelled."""
        booking_id = proposal_booking_id(event.data.proposal_id)
        if booking_id in self.view.bookings or await self.repo.get(booking_id) is not None:
            await self._end_quietly(booking_id, BookingStatus.CANCELLED, "match_failed")


def is_booker(booking: Booking, actor: Actor) -> bool:
    if booking.organization_id is not None:
        return actor.is_organization(booking.organization_id)
    return actor.kind is ActorKind.RESIDENT and actor.resident_id == booking.resident_id


def may_see(booking: Booking, actor: Actor) -> bool:
    """A booking is its booker's and its venue's organisation's."""
    return is_booker(booking, actor) or actor.is_organization(booking.venue_organization_id)
