"""Deciding who is told of an event (`table.TABLE`), and each person's inbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from contract.errors import Forbidden, NotFound
from contract.events import Envelope
from contract.ids import entity_id
from notifications.models import Inbox, Message
from notifications.repository import MessageRepository
from notifications.table import BY_TYPE, Row
from runtime.actors import Actor, ActorKind

NEWS = timedelta(days=7)  # an event older than this is history (an import, a first start): no one is told


def messages_of(event: Envelope, now: datetime | None = None) -> list[Message]:
    """What the table says the event tells, one message per recipient: none for a kind it
    lacks, nor for an event that happened more than `NEWS` ago."""
    row = BY_TYPE.get(event.type)
    if row is None or event.time < (now or datetime.now(UTC)) - NEWS:
        return []
    return [_message(row, event, recipient) for recipient in dict.fromkeys(row.recipients(event))]


def _message(row: Row, event: Envelope, recipient: str) -> Message:
    fields = event.model_dump()["data"]  # every event the table names carries data
    return Message(
        id=entity_id("message", f"{event.id}/{recipient}"),
        recipient=recipient,
        kind=row.kind,
        event_type=event.type,
        event_id=event.id,
        subject=event.subject,
        zh=row.zh.format(**fields),
        en=row.en.format(**fields),
        link=row.link(event),
        at=event.time,
    )


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
    def __init__(self, messages: MessageRepository) -> None:
        self.messages = messages

    async def on_event(self, event: Envelope) -> None:
        """Tells whoever the table names; a redelivered event tells no one twice."""
        await self.messages.add(messages_of(event))

    async def on_events(self, events: Sequence[Envelope]) -> None:
        """A run of events, their messages stored in one write."""
        now = datetime.now(UTC)
        await self.messages.add([message for event in events for message in messages_of(event, now)])

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
