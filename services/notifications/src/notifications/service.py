"""Deciding who is told of an event (`table.TABLE`) and which reminders it sets or cancels
(`table.REMINDERS`), telling reminders that fall due, and each person's inbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from contract.errors import Forbidden, NotFound
from contract.events import Envelope
from contract.ids import entity_id
from notifications.models import Inbox, Message, Pending
from notifications.repository import MessageRepository, ReminderRepository
from notifications.table import BY_TYPE, CANCELS, SETS, Reminder, type_of
from runtime.actors import Actor, ActorKind

NEWS = timedelta(days=7)  # an event older than this is history (an import, a first start): no one is told


def messages_of(event: Envelope, now: datetime | None = None) -> list[Message]:
    """What the table says the event tells, one message per recipient: none for a kind it
    lacks, nor for an event that happened more than `NEWS` ago."""
    row = BY_TYPE.get(event.type)
    if row is None or not _recent(event, now):
        return []
    fields = event.model_dump()["data"]  # every event the table names carries data
    zh, en, link = row.zh.format(**fields), row.en.format(**fields), row.link(event)
    return [
        Message(
            id=entity_id("message", f"{event.id}/{recipient}"),
            recipient=recipient,
            kind=row.kind,
            event_type=event.type,
            event_id=event.id,
            subject=event.subject,
            zh=zh,
            en=en,
            link=link,
            at=event.time,
        )
        for recipient in dict.fromkeys(row.recipients(event))
    ]


def _recent(event: Envelope, now: datetime | None) -> bool:
    return event.time >= (now or datetime.now(UTC)) - NEWS


def reminder_of(event: Envelope, after: timedelta, now: datetime | None = None) -> Pending | None:
    """The reminder the event sets, due `after` it (after now, when the service learns of it
    late: the answer may be on its way too): none for a kind that sets none, an event with no
    one to remind, or one from history."""
    reminder = SETS.get(event.type)
    now = now or datetime.now(UTC)
    if reminder is None or not _recent(event, now) or not (recipients := reminder.recipients(event)):
        return None
    return Pending(
        id=entity_id("reminder", event.id),
        set_by=event.type,
        subject=event.subject,
        due_at=max(event.time, now) + after,
        recipients=list(dict.fromkeys(recipients)),
        zh=reminder.zh,
        en=reminder.en,
        link=reminder.link(event),
    )


def told(reminder: Pending) -> list[Message]:
    """The messages of a reminder fallen due, one per recipient (their ids its and theirs)."""
    return [
        Message(
            id=entity_id("message", f"{reminder.id}/{recipient}"),
            recipient=recipient,
            kind=Reminder.kind,
            event_type=reminder.set_by,
            event_id=reminder.id,
            subject=reminder.subject,
            zh=reminder.zh,
            en=reminder.en,
            link=reminder.link,
            at=reminder.due_at,
        )
        for recipient in reminder.recipients
    ]


def reader(actor: Actor) -> str:
    """Whom the caller reads messages as: a resident and a member as themselves, an
    organisation's administrators (who act without a member) as the organisation. Forbidden
    for anyone else."""
    if actor.kind is ActorKind.RESIDENT and actor.resident_id:
        return f"resident:{actor.resident_id}"
    if actor.kind is ActorKind.ORGANIZATION and actor.member_id:
        return f"member:{actor.member_id}"
    if actor.kind is ActorKind.ORGANIZATION and actor.organization_id:
        return f"organization:{actor.organization_id}"
    raise Forbidden("an inbox is a resident's, a member's or an organisation's", actor=actor.kind.value)


class Notifications:
    def __init__(self, messages: MessageRepository, reminders: ReminderRepository, *, remind_after: timedelta) -> None:
        self.messages = messages
        self.reminders = reminders
        self.remind_after = remind_after

    async def on_event(self, event: Envelope) -> None:
        """Tells whoever the table names, and sets or cancels reminders; a redelivered event
        tells no one twice and sets nothing twice."""
        await self.on_events([event])

    async def on_events(self, events: Sequence[Envelope]) -> None:
        """A run of events, in order: their messages stored in one write, the reminders they set
        in as few as the cancellations among them allow."""
        now = datetime.now(UTC)
        await self.messages.add([message for event in events for message in messages_of(event, now)])
        setting: list[Pending] = []
        for event in events:
            if (pending := reminder_of(event, self.remind_after, now)) is not None:
                setting.append(pending)
            if (cancelled := CANCELS.get(event.type)) is not None:
                await self.reminders.add(setting)  # set before, so that this cancels them too
                setting = []
                await self.reminders.cancel(event.subject, [type_of(r.event) for r in cancelled])
        await self.reminders.add(setting)

    async def sweep(self, moment: datetime | None = None) -> int:
        """Tells the reminders fallen due, each marked as being told first (one done meanwhile is
        not told); a crash while telling tells it again next time, the same messages, so once.
        Run on a schedule; how many it told."""
        count = 0
        for reminder in await self.reminders.due(moment or datetime.now(UTC), limit=500):
            if reminder.status == "pending" and not await self.reminders.telling(reminder.id):
                continue
            await self.messages.add(told(reminder))
            await self.reminders.sent(reminder.id)
            count += 1
        return count

    async def inbox(self, actor: Actor, *, unread_only: bool, limit: int) -> Inbox:
        """The caller's messages, the latest first, and how many are unread."""
        mine = reader(actor)
        items = await self.messages.of(mine, unread_only=unread_only, limit=limit)
        return Inbox(items=items, unread=await self.messages.unread(mine))

    async def unread(self, actor: Actor) -> int:
        return await self.messages.unread(reader(actor))

    async def read(self, actor: Actor, message_id: str, at: datetime) -> Message:
        """Marks one of the caller's messages read (once: reading it again changes nothing)."""
        found = await self.messages.mark_read(message_id, reader(actor), at)
        if found is None:
            raise NotFound(f"no message {message_id!r}")
        return found
