"""Fakes of the notifications service's ports, for its unit tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from notifications.models import Channel, Delivery, Message, Pending
from notifications.preferences import Links, Preferences
from notifications.senders import Letter, NotSent
from notifications.service import Notifications


class FakeReminders:
    def __init__(self) -> None:
        self.stored: dict[str, Pending] = {}

    async def add(self, reminders: Sequence[Pending]) -> None:
        for reminder in reminders:
            self.stored.setdefault(reminder.id, reminder)

    async def cancel(self, subjects: Sequence[str], set_by: str) -> None:
        for r in list(self.stored.values()):
            if r.subject in subjects and r.set_by == set_by and r.status == "pending":
                self.stored[r.id] = r.model_copy(update={"status": "done"})

    async def due(self, moment: datetime, *, since: datetime, limit: int) -> list[Pending]:
        hour = since.replace(minute=0, second=0, microsecond=0)
        due = [r for r in self.stored.values() if r.status in ("pending", "telling") and hour <= r.due_at <= moment]
        return due[:limit]

    async def forget(self, hour: datetime) -> None:
        start = hour.replace(minute=0, second=0, microsecond=0)
        for r in list(self.stored.values()):
            if start <= r.due_at < start + timedelta(hours=1) and r.status in ("done", "sent"):
                del self.stored[r.id]

    async def telling(self, reminder_id: str) -> bool:
        if self.stored[reminder_id].status != "pending":
            return False
        self.stored[reminder_id] = self.stored[reminder_id].model_copy(update={"status": "telling"})
        return True

    async def sent(self, reminder_id: str) -> None:
        if self.stored[reminder_id].status == "telling":
            self.stored[reminder_id] = self.stored[reminder_id].model_copy(update={"status": "sent"})


class FakeMessages:
    def __init__(self) -> None:
        self.stored: dict[str, Message] = {}
        self.held: dict[str, datetime] = {}

    async def add(self, messages: Sequence[Message]) -> list[Message]:
        new = list({m.id: m for m in messages if m.id not in self.stored}.values())
        self.stored.update({m.id: m for m in new})
        return new

    async def of(self, recipient: str, *, unread_only: bool, limit: int) -> list[Message]:
        mine = [m for m in self.stored.values() if m.recipient == recipient and not (unread_only and m.read_at)]
        return sorted(mine, key=lambda m: m.at, reverse=True)[:limit]

    async def unread(self, recipient: str) -> int:
        return sum(1 for m in self.stored.values() if m.recipient == recipient and m.read_at is None)

    async def mark_read(self, message_id: str, recipient: str, at: datetime) -> Message | None:
        found = self.stored.get(message_id)
        if found is None or found.recipient != recipient:
            return None
        self.stored[message_id] = found.model_copy(update={"read_at": found.read_at or at})
        return self.stored[message_id]

    async def mark_all_read(self, recipient: str, at: datetime) -> int:
        unread = [m for m in self.stored.values() if m.recipient == recipient and m.read_at is None]
        self.stored.update({m.id: m.model_copy(update={"read_at": at}) for m in unread})
        return len(unread)

    async def due(self, moment: datetime, *, limit: int) -> list[Message]:
        due = [m for m in self.stored.values() if m.due_at is not None and m.due_at <= moment]
        return sorted(due, key=lambda m: m.due_at or moment)[:limit]

    async def take(self, message_id: str, now: datetime, until: datetime) -> bool:
        if self.held.get(message_id, now) > now or self.stored[message_id].due_at is None:
            return False
        self.held[message_id] = until
        return True

    async def delivered(self, message_id: str, deliveries: Sequence[Delivery]) -> None:
        self.held.pop(message_id, None)
        self.stored[message_id] = self.stored[message_id].model_copy(update={"deliveries": list(deliveries)})


class FakePreferences:
    def __init__(self, **preferences: Preferences) -> None:
        self.stored = dict(preferences)

    async def get(self, principal: str) -> Preferences | None:
        return self.stored.get(principal)

    async def of(self, principals: Iterable[str]) -> dict[str, Preferences]:
        return {p: self.stored[p] for p in principals if p in self.stored}

    async def put(self, principal: str, preferences: Preferences) -> None:
        self.stored[principal] = preferences

    async def turn_off(self, principal: str, entry: str) -> None:
        current = self.stored.get(principal, Preferences())
        self.stored[principal] = Preferences.model_validate({**current.model_dump(), "off": [*current.off, entry]})


class FakeMailer:
    """Keeps the letters it is given; fails the next `failing` sends."""

    def __init__(self, failing: int = 0) -> None:
        self.sent: list[Letter] = []
        self.failing = failing

    async def send(self, letter: Letter) -> None:
        if self.failing:
            self.failing -= 1
            raise NotSent("SMTP: 451 try again later")
        self.sent.append(letter)


class FakeSms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


LINKS = Links("a-secret-for-the-unit-tests")


def notifying(
    messages: FakeMessages,
    reminders: FakeReminders,
    preferences: FakePreferences | None = None,
    channels: Sequence[Channel] = (),
) -> Notifications:
    return Notifications(
        messages, reminders, preferences or FakePreferences(), LINKS, remind_after=timedelta(days=1), channels=channels
    )
