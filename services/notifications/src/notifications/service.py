"""Deciding who is told of an event (`table.TABLE`) and which reminders it sets or cancels
(`table.REMINDERS`), telling reminders that fall due, and each person's inbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from contract.errors import Conflict, Forbidden, NotFound
from contract.events import Envelope
from contract.ids import entity_id
from notifications.models import Channel, Inbox, Message, Pending
from notifications.preferences import CHANNELS, Asked, Links, PreferenceRepository, Preferences, addressed
from notifications.repository import MessageRepository, ReminderRepository
from notifications.table import BY_TYPE, CANCELS, SETS, Reminder, type_of
from runtime.actors import Actor, ActorKind

NEWS = timedelta(days=7)  # an event older than this is history (an import, a first start): no one is told
SWEPT_AT_ONCE = 500  # reminders told in one sweep at most


def messages_of(event: Envelope, now: datetime | None = None) -> list[Message]:
    """What the table says the event tells, one message per recipient: none for a kind it
    lacks, nor for an event that happened more than `NEWS` ago."""
    rows = BY_TYPE.get(event.type, [])
    if not rows or not _recent(event, now):
        return []
    fields = event.model_dump()["data"]  # every event the table names carries data
    told: dict[str, Message] = {}
    for row in rows:
        zh, en, link = row.zh.format(**fields), row.en.format(**fields), row.link(event)
        for recipient in row.recipients(event):
            if recipient not in told:
                told[recipient] = _message(
                    event.id, recipient, row.kind, event.type, event.subject, zh, en, link, event.time
                )
    return list(told.values())


def _message(
    cause: str, recipient: str, kind: str, event_type: str, subject: str, zh: str, en: str, link: str, at: datetime
) -> Message:
    """What one recipient is told of one event or reminder (`cause`): its id theirs and the cause's."""
    return Message(
        id=entity_id("message", f"{cause}/{recipient}"),
        recipient=recipient,
        kind=kind,
        event_type=event_type,
        event_id=cause,
        subject=subject,
        zh=zh,
        en=en,
        link=link,
        at=at,
    )


def _recent(event: Envelope, now: datetime | None) -> bool:
    return event.time >= (now or datetime.now(UTC)) - NEWS


def reminder_of(event: Envelope, after: timedelta, now: datetime | None = None) -> Pending | None:
    """The reminder the event sets, due when its row says (most: `after` it): none for a kind
    that sets none, an event with no one to remind or nothing to remind of, or one from history."""
    reminder = SETS.get(event.type)
    now = now or datetime.now(UTC)
    if reminder is None or not _recent(event, now) or not (recipients := reminder.recipients(event)):
        return None
    if (due := reminder.due(event, after, now)) is None:
        return None
    return Pending(
        id=entity_id("reminder", event.id),
        set_by=event.type,
        subject=reminder.about(event),
        due_at=due,
        recipients=list(dict.fromkeys(recipients)),
        zh=reminder.zh,
        en=reminder.en,
        link=reminder.link(event),
    )


def told(reminder: Pending) -> list[Message]:
    """The messages of a reminder fallen due, one per recipient (their ids its and theirs)."""
    r = reminder
    return [_message(r.id, to, Reminder.kind, r.set_by, r.subject, r.zh, r.en, r.link, r.due_at) for to in r.recipients]


def reader(actor: Actor) -> str:
    """Whom the caller reads messages as (`Actor.person`): a resident and a member as
    themselves, an organisation's administrators (who act without a member) as the
    organisation, an area's administrators as the area. Forbidden for the platform."""
    if (person := actor.person) is not None:
        return person
    raise Forbidden("an inbox is a person's, an organisation's or an area's", actor=actor.kind.value)


async def _nobody(messages: Sequence[Message]) -> None:
    pass


async def _no_link(person: str, channel: Channel, address: str) -> None:
    pass


class Notifications:
    def __init__(
        self,
        messages: MessageRepository,
        reminders: ReminderRepository,
        preferences: PreferenceRepository,
        links: Links,
        *,
        remind_after: timedelta,
        channels: Sequence[Channel] = (),
        wake: Callable[[], None] = lambda: None,
        announce: Callable[[Sequence[Message]], Awaitable[None]] = _nobody,
        ask_to_confirm: Callable[[str, Channel, str], Awaitable[None]] = _no_link,
    ) -> None:
        self.messages = messages
        self.reminders = reminders
        self.preferences = preferences
        self.links = links
        self.remind_after = remind_after
        self._swept: datetime | None = None  # every reminder due before this hour was told
        self._forgotten: datetime | None = None  # the hour whose week-old reminders were forgotten last
        self.channels = channels  # those the platform sends by besides the inbox
        self.wake = wake  # the sender, when a mail or an SMS is due now
        self.announce = announce  # messages newly stored, to the pages their people have open
        self.ask_to_confirm = ask_to_confirm  # sends the link confirming an address to it

    async def _store(self, messages: list[Message], now: datetime) -> None:
        """Stores the messages with the mails and SMS their recipients asked for."""
        if self.channels and messages:
            wanted = await self.preferences.of(m.recipient for m in messages)
            messages = [addressed(m, wanted.get(m.recipient), self.channels, now) for m in messages]
        new = await self.messages.add(messages)
        if any(m.due_at is not None and m.due_at <= now for m in new):
            self.wake()
        await self.announce(new)

    async def on_event(self, event: Envelope, now: datetime | None = None) -> None:
        """Tells whoever the table names, and sets or cancels reminders; a redelivered event
        tells no one twice and sets nothing twice."""
        await self.on_events([event], now)

    async def on_events(self, events: Sequence[Envelope], now: datetime | None = None) -> None:
        """A run of events, in order: their messages stored in one write; the reminders they set
        in another, less those the run itself cancels; those set by earlier runs that it cancels,
        in one update per kind of reminder."""
        now = now or datetime.now(UTC)
        await self._store([message for event in events for message in messages_of(event, now)], now)
        setting: dict[tuple[str, str], list[Pending]] = {}  # by what it is about and what set it
        cancelling: defaultdict[str, set[str]] = defaultdict(set)  # kind of reminder -> what about
        for event in events:
            if (pending := reminder_of(event, self.remind_after, now)) is not None:
                setting.setdefault((pending.subject, pending.set_by), []).append(pending)
            for reminder in CANCELS.get(event.type, ()):
                about, kind = reminder.about(event), type_of(reminder.event)
                setting.pop((about, kind), None)  # set earlier in the run: never stored
                cancelling[kind].add(about)
        for kind, subjects in cancelling.items():  # before the run's own are stored: those set after a cancel stay
            await self.reminders.cancel(sorted(subjects), kind)
        await self.reminders.add([pending for run in setting.values() for pending in run])

    async def sweep(self, moment: datetime | None = None) -> int:
        """Tells the reminders fallen due, each marked as being told first (one done meanwhile is
        not told); a crash while telling tells it again next time, the same messages, so once.
        Run on a schedule; how many it told. The store is asked for the hours from the one this
        process last swept (a week back at first) to now's."""
        now = moment or datetime.now(UTC)
        since = self._swept or now - NEWS
        due = await self.reminders.due(now, since=since, limit=SWEPT_AT_ONCE)
        count = 0
        for reminder in due:
            if reminder.status == "pending" and not await self.reminders.telling(reminder.id):
                continue
            await self._store(told(reminder), now)
            await self.reminders.sent(reminder.id)
            count += 1
        if len(due) < SWEPT_AT_ONCE:  # all told: the hours before now's are done with
            self._swept = now
        if (history := (now - NEWS).replace(minute=0, second=0, microsecond=0)) != self._forgotten:
            await self.reminders.forget(history - timedelta(hours=1))  # once an hour
            self._forgotten = history
        return count

    async def inbox(self, actor: Actor, *, unread_only: bool, limit: int) -> Inbox:
        """The caller's messages, the latest first, and how many are unread."""
        mine = reader(actor)
        # counted first: a message stored between the two reads is then listed and not yet
        # counted, never counted and missing from the list
        unread = await self.messages.unread(mine)
        return Inbox(items=await self.messages.of(mine, unread_only=unread_only, limit=limit), unread=unread)

    async def unread(self, actor: Actor) -> int:
        return await self.messages.unread(reader(actor))

    async def read(self, actor: Actor, message_id: str, at: datetime) -> Message:
        """Marks one of the caller's messages read (once: reading it again changes nothing)."""
        found = await self.messages.mark_read(message_id, reader(actor), at)
        if found is None:
            raise NotFound(f"no message {message_id!r}")
        return found

    async def read_all(self, actor: Actor, at: datetime) -> int:
        """Marks every unread message of the caller's read; how many."""
        return await self.messages.mark_all_read(reader(actor), at)

    async def preferences_of(self, actor: Actor) -> Preferences:
        """How the caller wants to be told (the defaults until they say)."""
        return await self.preferences.get(reader(actor)) or Preferences()

    async def prefer(self, actor: Actor, asked: Asked) -> Preferences:
        """Sets how the caller wants to be told, from their next message on. An address they
        give anew is used once they open the link sent to it (one kept stays confirmed); each
        save sends that link again to an address not confirmed yet."""
        person = reader(actor)
        before = await self.preferences.get(person) or Preferences()
        kept = {c: before.confirmed(c) and before.at(c) == asked.at(c) for c in CHANNELS}
        after = Preferences(**asked.model_dump(), email_confirmed=kept["email"], phone_confirmed=kept["sms"])
        await self.preferences.put(person, after)
        for channel in self.channels:
            if (address := after.at(channel)) and not after.confirmed(channel):
                await self.ask_to_confirm(person, channel, address)
        return after

    async def confirm(self, actor: Actor, token: str) -> dict[str, str]:
        """Confirms the address a link was sent to, for its person, when it is still the one
        they set; the platform calls it for whoever opened the link."""
        if actor.kind is not ActorKind.PLATFORM:
            raise Forbidden("only the portal confirms an address, for whoever opened its link", actor=actor.kind.value)
        person, channel, address = self.links.read_confirm(token)
        current = await self.preferences.get(person)
        if current is None or current.at(channel) != address:
            raise Conflict("this address is no longer the one set: save it again for a new link", field="token")
        await self.preferences.put(person, current.confirming(channel))
        return {"channel": channel, "address": address}

    async def unsubscribe(self, actor: Actor, token: str) -> dict[str, str]:
        """Turns off the kind and channel a mail's signed link names, for the person it was sent
        to; the platform calls it for whoever opened the link (the token is their proof)."""
        if actor.kind is not ActorKind.PLATFORM:
            raise Forbidden(
                "only the portal turns a mail's kind off, for whoever holds its link", actor=actor.kind.value
            )
        principal, kind, channel = self.links.read_unsubscribe(token)
        await self.preferences.turn_off(principal, f"{kind}/{channel}")
        return {"kind": kind, "channel": channel}
