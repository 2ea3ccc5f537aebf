"""Mails and SMS: addressed as each person asked, sent once, retried and then failed with a reason,
held through quiet hours, gathered in a digest, and turned off from a mail's link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from contract.errors import Conflict, Forbidden
from contract.events.resources import BookingData, BookingRequested
from notifications.delivery import Postman
from notifications.models import Message
from notifications.preferences import Asked, Preferences
from notifications.service import Notifications
from runtime.actors import Actor, ActorKind

from .fakes import LINKS, FakeMailer, FakeMessages, FakePreferences, FakeReminders, FakeSms, notifying

OWNER = "o" * 32
VENUE = f"organization:{OWNER}"
MORNING = datetime(2026, 12, 5, 2, tzinfo=UTC)  # 10:00 in the city
NIGHT = datetime(2026, 12, 5, 15, tzinfo=UTC)  # 23:00 in the city


def requested(at: datetime, booking_id: str = "b" * 32) -> BookingRequested:
    data = BookingData(
        booking_id=booking_id,
        venue_id="v" * 32,
        venue_organization_id=OWNER,
        organization_id="c" * 32,
        starts_at=at + timedelta(days=2),
        ends_at=at + timedelta(days=2, hours=2),
        status="requested",
    )
    return BookingRequested(source="resources", subject=booking_id, data=data, time=at)


@dataclass
class Setup:
    messages: FakeMessages
    preferences: FakePreferences
    mailer: FakeMailer
    sms: FakeSms
    postman: Postman
    notifications: Notifications


def confirmed(asked: Preferences) -> Preferences:
    return asked.model_copy(update={"email_confirmed": True, "phone_confirmed": True})


def setup(asked: Preferences, *, failing: int = 0) -> Setup:
    """A postman and the service, the venue's organisation having said `asked` and confirmed its addresses."""
    messages, preferences, mailer, sms = (
        FakeMessages(),
        FakePreferences(**{VENUE: confirmed(asked)}),
        FakeMailer(failing),
        FakeSms(),
    )
    postman = Postman(
        messages,
        preferences,
        LINKS,
        mailer=mailer,  # type: ignore[arg-type]
        sms=sms,
        portal_url="https://portal.example.cn",
        retry=timedelta(minutes=1),
        attempts=3,
    )
    notifications = notifying(messages, FakeReminders(), preferences, channels=postman.channels)
    return Setup(messages, preferences, mailer, sms, postman, notifications)


async def test_a_booking_waiting_for_approval_is_mailed_once_in_chinese_with_the_page_to_act_on() -> None:
    it = setup(Preferences(email="venue@example.cn"))
    event = requested(MORNING)
    await it.notifications.on_events([event, event], MORNING)  # delivered twice
    assert await it.postman.send_due(MORNING + timedelta(seconds=1)) == 1
    assert await it.postman.send_due(MORNING + timedelta(hours=1)) == 0

    [letter] = it.mailer.sent
    mail = letter.compose("党建超市 <noreply@example.cn>", "example.cn")
    assert letter.to == "venue@example.cn" and "预约等待审批" in str(mail["Subject"])
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "https://portal.example.cn/org#approvals" in text and "waits for your approval" in text
    assert "https://portal.example.cn/unsubscribe?t=" in str(mail["List-Unsubscribe"])
    assert mail.get_body(("html",)) is not None
    [stored] = it.messages.stored.values()
    assert [(d.channel, d.status) for d in stored.deliveries] == [("email", "sent")]


async def test_a_failing_server_is_tried_again_after_longer_pauses_then_the_mail_is_failed_with_why() -> None:
    it = setup(Preferences(email="venue@example.cn"), failing=5)
    await it.notifications.on_event(requested(MORNING), MORNING)
    now = MORNING
    pauses = []
    for _ in range(3):
        assert await it.postman.send_due(now) == 1
        [stored] = it.messages.stored.values()
        if stored.due_at is not None:
            pauses.append(stored.due_at - now)
            now = stored.due_at
    assert pauses == [timedelta(minutes=1), timedelta(minutes=2)]
    [delivery] = next(iter(it.messages.stored.values())).deliveries
    assert (delivery.status, delivery.attempts, delivery.reason) == ("failed", 3, "SMTP: 451 try again later")
    assert await it.postman.send_due(now + timedelta(days=1)) == 0 and it.mailer.sent == []


async def test_no_sms_at_night_it_waits_for_the_morning_and_a_digest_gathers_the_days_mails() -> None:
    it = setup(Preferences(email="venue@example.cn", phone="13800000000", digest=True, digest_at=time(18, 0)))
    await it.notifications.on_events([requested(NIGHT), requested(NIGHT, booking_id="d" * 32)], NIGHT)
    assert await it.postman.send_due(NIGHT + timedelta(minutes=5)) == 0 and it.sms.sent == []

    eight = datetime(2026, 12, 6, 0, tzinfo=UTC)  # 08:00 in the city
    assert await it.postman.send_due(eight) == 2
    assert [phone for phone, _ in it.sms.sent] == ["13800000000", "13800000000"] and it.mailer.sent == []
    assert it.sms.sent[0][1].startswith("【党建超市】") and "/org#approvals" in it.sms.sent[0][1]

    assert await it.postman.send_due(datetime(2026, 12, 6, 10, tzinfo=UTC)) == 2  # 18:00
    [digest] = it.mailer.sent
    assert len(digest.messages) == 2 and "2" in str(digest.compose("x <a@b.cn>", "b.cn")["Subject"])


async def test_what_the_person_changed_meanwhile_holds_when_it_is_sent() -> None:
    it = setup(Preferences(email="venue@example.cn", phone="13800000000", quiet_from=time(23), quiet_to=time(7)))
    await it.notifications.on_event(requested(MORNING), MORNING)
    it.preferences.stored[VENUE] = confirmed(
        Preferences(email="new@example.cn", phone="13800000000", off=["booking/sms"])
    )
    assert await it.postman.send_due(MORNING) == 1
    assert [letter.to for letter in it.mailer.sent] == ["new@example.cn"] and it.sms.sent == []
    [stored] = it.messages.stored.values()
    assert {(d.channel, d.status) for d in stored.deliveries} == {("email", "sent"), ("sms", "cancelled")}

    late = setup(Preferences(phone="13800000000"))  # an SMS stored by day, sent late in the night
    await late.notifications.on_event(requested(MORNING), MORNING)
    assert await late.postman.send_due(NIGHT) == 1 and late.sms.sent == []
    [held] = late.messages.stored.values()
    assert held.due_at == datetime(2026, 12, 6, 0, tzinfo=UTC)  # 08:00 in the city


async def test_a_mails_link_turns_its_kind_off_and_a_forged_one_changes_nothing() -> None:
    it = setup(Preferences(email="venue@example.cn"))
    platform = Actor(kind=ActorKind.PLATFORM)
    token = LINKS.unsubscribe(VENUE, "booking", "email")

    for forged in (token[:-2] + "xx", "é" * 20, "abc.def", token.replace(".", "")):
        with pytest.raises(Forbidden):
            await it.notifications.unsubscribe(platform, forged)
    with pytest.raises(Forbidden):
        await it.notifications.unsubscribe(Actor(kind=ActorKind.ORGANIZATION, organization_id="c" * 32), token)
    assert it.preferences.stored[VENUE].off == []

    assert await it.notifications.unsubscribe(platform, token) == {"kind": "booking", "channel": "email"}
    assert it.preferences.stored[VENUE].off == ["booking/email"]
    await it.notifications.on_event(requested(MORNING), MORNING)
    assert await it.postman.send_due(MORNING + timedelta(minutes=1)) == 0 and it.mailer.sent == []


def test_preferences_refuse_an_unknown_kind_a_bad_address_or_a_zoned_time_naming_it() -> None:
    with pytest.raises(ValidationError, match="gossip/email"):
        Preferences(off=["gossip/email"])
    with pytest.raises(ValidationError, match="email"):
        Preferences(email="not an address")
    with pytest.raises(ValidationError, match="email"):
        Preferences(email="me@example.cn,boss@example.cn")
    with pytest.raises(ValidationError, match="phone"):
        Preferences(phone="12345")
    with pytest.raises(ValidationError, match="quiet_from"):
        Preferences.model_validate({"quiet_from": "22:00+05:00"})
    assert Preferences.model_validate({"quiet_to": "08:00:30"}).quiet_to == time(8, 0)


async def test_an_address_is_used_once_its_person_confirms_it_from_the_link_sent_there() -> None:
    it = setup(Preferences())
    links: list[tuple[str, str, str]] = []

    async def ask_to_confirm(person: str, channel: str, address: str) -> None:
        links.append((person, channel, address))

    it.notifications.ask_to_confirm = ask_to_confirm  # type: ignore[assignment]
    venue = Actor(kind=ActorKind.ORGANIZATION, organization_id=OWNER)
    said = await it.notifications.prefer(venue, Asked(email="venue@example.cn", phone="13800000000"))
    assert (said.email_confirmed, said.phone_confirmed) == (False, False)
    assert links == [(VENUE, "email", "venue@example.cn"), (VENUE, "sms", "13800000000")]
    await it.notifications.on_event(requested(MORNING), MORNING)
    assert await it.postman.send_due(MORNING) == 0  # nothing to send to addresses not confirmed

    platform = Actor(kind=ActorKind.PLATFORM)
    token = LINKS.confirm(VENUE, "email", "venue@example.cn")
    assert await it.notifications.confirm(platform, token) == {"channel": "email", "address": "venue@example.cn"}
    assert it.preferences.stored[VENUE].email_confirmed and not it.preferences.stored[VENUE].phone_confirmed
    with pytest.raises(Forbidden):
        await it.notifications.confirm(platform, LINKS.unsubscribe(VENUE, "booking", "email"))  # another link's token
    with pytest.raises(Forbidden):  # only the portal, for whoever opened the link
        await it.notifications.confirm(venue, token)

    again = await it.notifications.prefer(venue, Asked(email="venue@example.cn", digest=True))  # the address kept
    assert again.email_confirmed and len(links) == 2
    await it.notifications.prefer(venue, Asked(email="other@example.cn"))
    with pytest.raises(Conflict):  # the link of an address no longer set
        await it.notifications.confirm(platform, token)
    with pytest.raises(ValidationError, match="email_confirmed"):
        Asked.model_validate({"email": "me@example.cn", "email_confirmed": True})


class StoredMidway(FakeMessages):
    """A message for the reader is stored while its inbox is read: after the first of the reads."""

    def __init__(self, arriving: Message) -> None:
        super().__init__()
        self.arriving, self.reads = arriving, 0

    def _read(self) -> None:
        self.reads += 1
        if self.reads == 1:
            self.stored[self.arriving.id] = self.arriving

    async def of(self, recipient: str, *, unread_only: bool, limit: int) -> list[Message]:
        found = await super().of(recipient, unread_only=unread_only, limit=limit)
        self._read()
        return found

    async def unread(self, recipient: str) -> int:
        count = await super().unread(recipient)
        self._read()
        return count


async def test_an_inbox_never_counts_an_unread_message_it_does_not_list() -> None:
    resident = Actor(kind=ActorKind.RESIDENT, resident_id="a" * 32, area_code="350102001001")
    assert resident.person is not None
    arriving = Message(
        id="m1",
        recipient=resident.person,
        kind="wish",
        event_type="wish.claimed",
        event_id="e1",
        subject="w1",
        zh="您的微心愿已被认领",
        en="Your wish was taken on",
        link="/wishes",
        at=datetime.now(UTC),
    )

    inbox = await notifying(StoredMidway(arriving), FakeReminders()).inbox(resident, unread_only=False, limit=20)

    assert inbox.unread <= sum(1 for m in inbox.items if m.read_at is None)
