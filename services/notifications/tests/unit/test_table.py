"""The table, row by row: who is told of an event, what, in both languages, and where they act;
an event redelivered tells no one twice; an inbox is read by its own people only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contract.errors import Forbidden, NotFound
from contract.events import Envelope
from contract.events.matching import MatchProposed, MatchProposedData
from contract.events.needs import (
    ClaimCompleted,
    ClaimData,
    ClaimMade,
    ClaimReleased,
    ClaimReleasedData,
    NeedChangeData,
    NeedExpired,
    NeedPosted,
    NeedPostedData,
    WishCancelled,
    WishClaimed,
    WishData,
    WishPosted,
    WishReleased,
    WishStatus,
)
from contract.events.resources import BookingCancelled, BookingConfirmed, BookingData, BookingRequested
from contract.taxonomy import Category
from notifications.models import Pending
from notifications.service import messages_of, reminder_of, told
from notifications.table import TABLE
from runtime.actors import Actor, ActorKind

from .fakes import FakeMessages, FakeReminders, notifying

AT = datetime(2026, 12, 5, 8, tzinfo=UTC)
DAY, MINUTE = timedelta(days=1), timedelta(minutes=1)
POSTER, CLAIMER, VENUE_OWNER = "p" * 32, "c" * 32, "v" * 32


def wish_claimed(resident_id: str | None = "r" * 32) -> WishClaimed:
    data = WishData(
        wish_id="w" * 32,
        area_code="350102001001",
        status="claimed",
        claimer_organization_id=CLAIMER,
        resident_id=resident_id,
        version=2,
    )
    return WishClaimed(source="needs", subject=data.wish_id, data=data)


def claim(quantity: int = 3) -> ClaimData:
    return ClaimData(
        claim_id="k" * 32, need_id="n" * 32, need_organization_id=POSTER, organization_id=CLAIMER, quantity=quantity
    )


def test_a_claimed_wish_tells_its_resident_in_both_languages_with_the_wish_to_look_at() -> None:
    [message] = messages_of(wish_claimed())
    assert message.recipient == "resident:" + "r" * 32 and message.kind == "wish"
    assert "认领" in message.zh and "taken on" in message.en
    assert message.link == "/me#wish-" + "w" * 32


def test_a_claim_tells_the_poster_how_many_and_a_proposal_both_sides() -> None:
    [made] = messages_of(ClaimMade(source="needs", subject="n" * 32, data=claim(3)))
    assert (made.recipient, made.link) == ("organization:" + POSTER, "/needs/" + "n" * 32)
    assert "3 人次" in made.zh and "3 person-times" in made.en
    data = MatchProposedData(
        proposal_id="x" * 32,
        need_id="n" * 32,
        need_organization_id=POSTER,
        resource_id="s" * 32,
        resource_organization_id=CLAIMER,
        score=0.8,
        reasons=[],
    )
    told = {m.recipient for m in messages_of(MatchProposed(source="matching", subject="x" * 32, data=data))}
    assert told == {"organization:" + POSTER, "organization:" + CLAIMER}


def test_a_booking_waiting_for_approval_tells_the_venues_organisation() -> None:
    data = BookingData(
        booking_id="b" * 32,
        venue_id="v" * 32,
        venue_organization_id=VENUE_OWNER,
        organization_id=CLAIMER,
        starts_at=AT,
        ends_at=AT,
        status="requested",
    )
    [message] = messages_of(BookingRequested(source="resources", subject="b" * 32, data=data))
    assert message.recipient == "organization:" + VENUE_OWNER and "审批" in message.zh


def test_the_bookings_of_a_co_building_agreement_tell_no_one_each() -> None:
    """Its parties are told of the agreement signed and ended, not of every week's room."""
    confirmed = BookingData.model_validate(
        {**booking(BookingConfirmed).data.model_dump(), "series_id": "s" * 32, "agreement_id": "a" * 32}
    )
    assert messages_of(BookingConfirmed(source="resources", subject="b" * 32, data=confirmed)) == []
    given_back = BookingData.model_validate(
        {**confirmed.model_dump(), "status": "cancelled", "reason": "agreement_ended"}
    )
    assert messages_of(BookingCancelled(source="resources", subject="b" * 32, data=given_back)) == []
    one = BookingData.model_validate({**confirmed.model_dump(), "agreement_id": None})  # a booking of one's own
    assert [m.recipient for m in messages_of(BookingConfirmed(source="resources", subject="b", data=one))] == [
        "organization:" + CLAIMER
    ]


def test_a_booking_imported_from_a_venues_ledger_tells_no_one() -> None:
    """Its booker knew of it: a city's register is some 100,000 of them."""
    imported = BookingData.model_validate({**booking(BookingConfirmed).data.model_dump(), "imported": True})
    assert messages_of(BookingConfirmed(source="resources", subject="b" * 32, data=imported)) == []


def test_a_claim_of_a_needs_imported_history_tells_no_one() -> None:
    """Done before the platform kept it: a city's history is some 113,000 claims."""
    imported = claim().model_copy(update={"imported": True})
    assert messages_of(ClaimCompleted(source="needs", subject="n" * 32, data=imported)) == []
    done = [m.recipient for m in messages_of(ClaimCompleted(source="needs", subject="n" * 32, data=claim()))]
    assert done == ["organization:" + CLAIMER]


def test_no_one_is_told_of_what_they_did_themselves_or_of_a_kind_the_table_lacks() -> None:
    cancelled = ClaimReleasedData(**claim().model_dump(), reason="need_cancelled")  # the poster is not told
    assert [m.recipient for m in messages_of(ClaimReleased(source="needs", subject="n" * 32, data=cancelled))] == [
        "organization:" + CLAIMER
    ]
    own = BookingData.model_validate(
        {**booking(BookingRequested).data.model_dump(), "status": "cancelled", "reason": "cancelled"}
    )
    assert messages_of(BookingCancelled(source="resources", subject="b" * 32, data=own)) == []
    declined = BookingData.model_validate({**own.model_dump(), "reason": "declined"})
    assert [m.recipient for m in messages_of(BookingCancelled(source="resources", subject="b", data=declined))] == [
        "organization:" + CLAIMER
    ]
    assert messages_of(wish_claimed(resident_id=None)) == []
    posted = NeedPostedData(
        need_id="n" * 32,
        organization_id=POSTER,
        title="t",
        category=Category.LEGAL_AID,
        area_code="350102001001",
        quantity=1,
    )
    assert messages_of(NeedPosted(source="needs", subject="n" * 32, data=posted)) == []


def test_what_happened_more_than_a_week_ago_is_history_and_tells_no_one() -> None:
    event = wish_claimed()
    assert messages_of(event, now=event.time + timedelta(days=6)) != []
    assert messages_of(event, now=event.time + timedelta(days=8)) == []


def test_every_row_reads_as_a_sentence_in_both_languages() -> None:
    for row in TABLE:
        assert row.zh.endswith("。") and row.en.endswith("."), row.event
        assert row.link is not None and row.kind


async def test_an_event_delivered_twice_tells_once_and_an_inbox_is_its_own_peoples() -> None:
    notifications = notifying(FakeMessages(), FakeReminders())
    event = wish_claimed()
    await notifications.on_event(event)
    await notifications.on_event(event)
    resident = Actor(kind=ActorKind.RESIDENT, resident_id="r" * 32, area_code="350102001001")
    inbox = await notifications.inbox(resident, unread_only=False, limit=10)
    assert (len(inbox.items), inbox.unread) == (1, 1)

    neighbour = Actor(kind=ActorKind.RESIDENT, resident_id="e" * 32, area_code="350102001001")
    with pytest.raises(NotFound):
        await notifications.read(neighbour, inbox.items[0].id, AT)
    read = await notifications.read(resident, inbox.items[0].id, AT)
    assert read.read_at == AT and await notifications.unread(resident) == 0
    await notifications.on_event(wish_claimed().model_copy(update={"id": "another-event"}))
    assert await notifications.unread(resident) == 1
    assert await notifications.read_all(resident, AT) == 1 and await notifications.unread(resident) == 0
    with pytest.raises(Forbidden):
        await notifications.unread(Actor(kind=ActorKind.PLATFORM))


def booking(event: type[BookingRequested | BookingConfirmed], booking_id: str = "b" * 32) -> Envelope:
    data = BookingData(
        booking_id=booking_id,
        venue_id="v" * 32,
        venue_organization_id=VENUE_OWNER,
        organization_id=CLAIMER,
        starts_at=AT,
        ends_at=AT,
        status="requested" if event is BookingRequested else "confirmed",
    )
    return event(source="resources", subject=booking_id, data=data)


class TestAReminder:
    async def test_falls_due_a_while_after_what_set_it_and_is_told_once(self) -> None:
        messages, reminders = FakeMessages(), FakeReminders()
        notifications = notifying(messages, reminders)
        requested = booking(BookingRequested)
        await notifications.on_events([requested, requested])  # delivered twice
        assert await notifications.sweep(requested.time + DAY / 2) == 0

        assert await notifications.sweep(requested.time + DAY + MINUTE) == 1
        assert await notifications.sweep(requested.time + 2 * DAY) == 0
        told = [m for m in messages.stored.values() if m.kind == "reminder"]
        assert [(m.recipient, m.link) for m in told] == [("organization:" + VENUE_OWNER, "/org#approvals")]
        assert "提醒" in told[0].zh and told[0].en.startswith("Reminder")

    async def test_is_cancelled_by_the_action_it_reminds_of_even_in_the_same_run(self) -> None:
        messages, reminders = FakeMessages(), FakeReminders()
        notifications = notifying(messages, reminders)
        first, second = booking(BookingRequested), booking(BookingRequested, booking_id="d" * 32)
        await notifications.on_events([first, booking(BookingConfirmed)])
        await notifications.on_event(second)
        await notifications.on_event(booking(BookingConfirmed, booking_id="d" * 32))

        assert await notifications.sweep(first.time + 2 * DAY) == 0
        assert [m for m in messages.stored.values() if m.kind == "reminder"] == []
        assert {r.status for r in reminders.stored.values()} == {"done"}

    async def test_a_crash_between_telling_and_marking_tells_again_the_same_messages(self) -> None:
        messages, reminders = FakeMessages(), FakeReminders()
        notifications = notifying(messages, reminders)
        requested = booking(BookingRequested)
        await notifications.on_event(requested)
        [pending] = reminders.stored.values()
        await messages.add(told(pending))  # told, then the process stopped before marking it sent

        assert await notifications.sweep(requested.time + DAY + MINUTE) == 1
        assert len([m for m in messages.stored.values() if m.kind == "reminder"]) == 1

    async def test_one_done_while_a_sweep_was_reading_it_is_not_told(self) -> None:
        messages, reminders = FakeMessages(), FakeReminders()
        notifications = notifying(messages, reminders)
        requested = booking(BookingRequested)
        await notifications.on_event(requested)
        read_by_the_sweep = list(reminders.stored.values())
        await notifications.on_event(booking(BookingConfirmed))  # done meanwhile

        async def as_read(moment: datetime, *, since: datetime, limit: int) -> list[Pending]:
            return read_by_the_sweep

        reminders.due = as_read  # type: ignore[method-assign]
        assert await notifications.sweep(requested.time + 2 * DAY) == 0
        assert [m for m in messages.stored.values() if m.kind == "reminder"] == []

    def test_set_by_an_event_learnt_of_late_falls_due_a_while_after_it_was_learnt(self) -> None:
        requested = booking(BookingRequested)
        late = requested.time + 2 * DAY  # the service was behind: what answered it may be on its way
        pending = reminder_of(requested, DAY, now=late)
        assert pending is not None and pending.due_at == late + DAY
        on_time = reminder_of(requested, DAY, now=requested.time)
        assert on_time is not None and on_time.due_at == requested.time + DAY


def test_a_need_expired_tells_its_organisation_and_its_communitys_administrators() -> None:
    data = NeedChangeData(
        need_id="n" * 32,
        organization_id=POSTER,
        status="expired",
        quantity=5,
        claimed=2,
        version=3,
        area_code="350102001001003",  # a grid of the community
    )
    told = {m.recipient: m for m in messages_of(NeedExpired(source="needs", subject="n" * 32, data=data))}
    assert set(told) == {"organization:" + POSTER, "area:350102001001"}
    assert "5 人次" in told["organization:" + POSTER].zh and "本社区" in told["area:350102001001"].zh
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code="350102001001")
    assert admin.person == "area:350102001001"


def test_what_the_other_side_undoes_is_told_to_whoever_it_leaves_waiting() -> None:
    withdrawn = ClaimReleasedData(**{**claim().model_dump(), "member_id": "m" * 32}, reason="need_cancelled")
    [told] = messages_of(ClaimReleased(source="needs", subject="n" * 32, data=withdrawn))
    assert told.recipient == "member:" + "m" * 32 and "取消" in told.zh
    released = ClaimReleasedData(**claim().model_dump(), reason="released")
    assert [m.recipient for m in messages_of(ClaimReleased(source="needs", subject="n" * 32, data=released))] == [
        "organization:" + POSTER
    ]
    given_back = wish_claimed().data.model_copy(update={"status": WishStatus.OPEN, "claimer_organization_id": None})
    [back] = messages_of(WishReleased(source="needs", subject="w" * 32, data=given_back))
    assert back.recipient == "resident:" + "r" * 32 and "重新开放" in back.zh
    claimed = wish_claimed().data.model_copy(update={"status": WishStatus.CANCELLED})
    assert [m.recipient for m in messages_of(WishCancelled(source="needs", subject="w" * 32, data=claimed))] == [
        "organization:" + CLAIMER
    ]
    never_claimed = claimed.model_copy(update={"claimer_organization_id": None})
    assert messages_of(WishCancelled(source="needs", subject="w" * 32, data=never_claimed)) == []


class TestTheLifecyclesReminders:
    def need(self, deadline: timedelta) -> NeedPosted:
        data = NeedPostedData(
            need_id="n" * 32,
            organization_id=POSTER,
            title="t",
            category=Category.LEGAL_AID,
            area_code="350102001001",
            quantity=1,
            deadline=AT + deadline,
        )
        return NeedPosted(source="needs", subject="n" * 32, data=data, time=AT)

    def claim_made(self, claim_id: str, starts_in: timedelta) -> ClaimMade:
        data = claim().model_copy(update={"claim_id": claim_id, "starts_at": AT + starts_in})
        return ClaimMade(source="needs", subject="n" * 32, data=data, time=AT)

    async def test_a_need_nearing_its_deadline_unclaimed_reminds_its_organisation_unless_claimed(self) -> None:
        assert (pending := reminder_of(self.need(10 * DAY), DAY, AT)) is not None
        assert pending.due_at == AT + 9 * DAY and pending.recipients == ["organization:" + POSTER]
        short = reminder_of(self.need(DAY / 2), DAY, AT)
        assert short is not None and short.due_at == AT + DAY / 4  # half way, when a day before has passed

        messages, reminders = FakeMessages(), FakeReminders()
        notifications = notifying(messages, reminders)
        await notifications.on_events([self.need(10 * DAY), self.claim_made("k" * 32, 20 * DAY)], AT)
        assert await notifications.sweep(AT + 9 * DAY + MINUTE) == 0
        assert [m for m in messages.stored.values() if m.kind == "reminder"] == []

    async def test_a_claim_is_reminded_a_day_before_its_start_and_only_its_own_release_cancels_it(self) -> None:
        messages, reminders = FakeMessages(), FakeReminders()
        notifications = notifying(messages, reminders)
        first, second = self.claim_made("k" * 32, 3 * DAY), self.claim_made("j" * 32, 3 * DAY)
        soon = self.claim_made("i" * 32, DAY / 2)  # starts within the day it was claimed in: no reminder
        await notifications.on_events([first, second, soon], AT)
        released = ClaimReleasedData(**second.data.model_dump(), reason="released")
        await notifications.on_event(ClaimReleased(source="needs", subject="n" * 32, data=released), AT)

        assert await notifications.sweep(AT + 2 * DAY - MINUTE) == 0
        assert await notifications.sweep(AT + 2 * DAY + MINUTE) == 1
        [told] = [m for m in messages.stored.values() if m.kind == "reminder"]
        assert told.recipient == "organization:" + CLAIMER and "一天内开始" in told.zh

    async def test_a_wish_waiting_a_week_reminds_its_communitys_administrators_unless_taken_on(self) -> None:
        messages, reminders = FakeMessages(), FakeReminders()
        notifications = notifying(messages, reminders)
        waiting = wish_claimed().data.model_copy(update={"status": WishStatus.OPEN, "claimer_organization_id": None})
        other = waiting.model_copy(update={"wish_id": "x" * 32})
        await notifications.on_events(
            [
                WishPosted(source="needs", subject="w" * 32, data=waiting, time=AT),
                WishPosted(source="needs", subject="x" * 32, data=other, time=AT),
                wish_claimed(),  # the first is taken on
            ],
            AT,
        )
        assert await notifications.sweep(AT + 6 * DAY) == 0
        assert await notifications.sweep(AT + 7 * DAY + MINUTE) == 1
        [told] = [m for m in messages.stored.values() if m.kind == "reminder"]
        assert (told.recipient, told.subject) == ("area:350102001001", "x" * 32) and "一周" in told.zh
