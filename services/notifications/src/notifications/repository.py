"""Where messages are kept: one document each, its id derived from the event and the recipient,
so a redelivered event inserts nothing new."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pymongo.asynchronous.database import AsyncDatabase

from notifications.models import Delivery, Message, Pending, due_of
from runtime.mongo import Document, insert_new
from runtime.repository import readable


class MessageRepository(Protocol):
    async def add(self, messages: Sequence[Message]) -> list[Message]:
        """Stores those not stored yet; those that were new."""
        ...

    async def of(self, recipient: str, *, unread_only: bool, limit: int) -> list[Message]: ...

    async def unread(self, recipient: str) -> int: ...

    async def mark_read(self, message_id: str, recipient: str, at: datetime) -> Message | None:
        """The message marked read, when it is the recipient's; None otherwise."""
        ...

    async def mark_all_read(self, recipient: str, at: datetime) -> int:
        """Every unread message of the recipient marked read; how many."""
        ...

    async def due(self, moment: datetime, *, limit: int) -> list[Message]:
        """Messages with a mail or an SMS due by `moment`, the longest waiting first."""
        ...

    async def take(self, message_id: str, now: datetime, until: datetime) -> bool:
        """Takes the message for sending until `until`; False when another has it (or it is sent)."""
        ...

    async def delivered(self, message_id: str, deliveries: Sequence[Delivery]) -> None:
        """Records what became of its deliveries and lets go of it."""
        ...


class ReminderRepository(Protocol):
    async def add(self, reminders: Sequence[Pending]) -> None:
        """Stores those not stored yet (a redelivered event sets nothing twice)."""
        ...

    async def cancel(self, subjects: Sequence[str], set_by: str) -> None:
        """The pending reminders about those subjects set by that kind of event: done, never told."""
        ...

    async def due(self, moment: datetime, *, since: datetime, limit: int) -> list[Pending]:
        """Those due by `moment`, from `since`'s hour on, and not told: pending, or being told
        when a crash came."""
        ...

    async def telling(self, reminder_id: str) -> bool:
        """Marks a pending reminder as being told; False when it is no longer pending (done meanwhile)."""
        ...

    async def sent(self, reminder_id: str) -> None: ...

    async def forget(self, hour: datetime) -> None:
        """Those of `hour` told or done with: history (a redelivered event that old tells no one)."""
        ...


class MongoReminderRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["reminders"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("subject")  # one-field indexes: FerretDB answers equality from them
        await self.collection.create_index("status")
        # the hour a reminder falls due in: a sweep asks for whole hours by equality, where FerretDB
        # would read every reminder to answer a range of times (half a second at 12,000 of them)
        await self.collection.create_index("due_hour")

    async def add(self, reminders: Sequence[Pending]) -> None:
        if reminders:
            documents = [{"_id": r.id, **r.model_dump(exclude={"id"}), "due_hour": _hour(r.due_at)} for r in reminders]
            await insert_new(self.collection, documents)

    async def cancel(self, subjects: Sequence[str], set_by: str) -> None:
        where = {"subject": {"$in": list(subjects)}, "status": "pending", "set_by": set_by}
        await self.collection.update_many(where, {"$set": {"status": "done"}})

    async def due(self, moment: datetime, *, since: datetime, limit: int) -> list[Pending]:
        found: list[Pending] = []
        hour = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        while hour <= moment and len(found) < limit:
            async for document in self.collection.find({"due_hour": _hour(hour)}):  # equality: from the index
                reminder = readable(self.collection.name, document, _pending)
                if reminder is not None and reminder.status in ("pending", "telling") and reminder.due_at <= moment:
                    found.append(reminder)
            hour += timedelta(hours=1)
        return found[:limit]

    async def telling(self, reminder_id: str) -> bool:
        done = await self.collection.update_one(
            {"_id": reminder_id, "status": "pending"}, {"$set": {"status": "telling"}}
        )
        return done.modified_count == 1

    async def sent(self, reminder_id: str) -> None:
        await self.collection.update_one({"_id": reminder_id, "status": "telling"}, {"$set": {"status": "sent"}})

    async def forget(self, hour: datetime) -> None:
        await self.collection.delete_many({"due_hour": _hour(hour), "status": {"$in": ["done", "sent"]}})


class MongoMessageRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["messages"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("recipient")  # FerretDB answers equality from one-field indexes
        await self.collection.create_index([("recipient", 1), ("at", -1)])  # MongoDB: the latest first, sorted
        await self.collection.create_index("outstanding")  # FerretDB: those with a mail or an SMS to send
        await self.collection.create_index([("outstanding", 1), ("due_at", 1)])

    async def add(self, messages: Sequence[Message]) -> list[Message]:
        documents = [_document(m) for m in messages]
        taken = await insert_new(self.collection, documents) if documents else set()
        return [m for i, m in enumerate(messages) if i not in taken]

    async def of(self, recipient: str, *, unread_only: bool, limit: int) -> list[Message]:
        where: Document = {"recipient": recipient}  # equality: FerretDB answers it from the index
        if unread_only:
            where["read_at"] = None
        cursor = self.collection.find(where).sort([("at", -1), ("_id", -1)]).limit(limit)
        found = [readable(self.collection.name, document, _message) async for document in cursor]
        return [message for message in found if message is not None]

    async def unread(self, recipient: str) -> int:
        return await self.collection.count_documents({"recipient": recipient, "read_at": None})

    async def mark_read(self, message_id: str, recipient: str, at: datetime) -> Message | None:
        mine = {"_id": message_id, "recipient": recipient}
        await self.collection.update_one({**mine, "read_at": None}, {"$set": {"read_at": at}})
        found = await self.collection.find_one(mine)
        return None if found is None else readable(self.collection.name, found, _message)

    async def mark_all_read(self, recipient: str, at: datetime) -> int:
        done = await self.collection.update_many({"recipient": recipient, "read_at": None}, {"$set": {"read_at": at}})
        return done.modified_count

    async def due(self, moment: datetime, *, limit: int) -> list[Message]:
        where = {"outstanding": True, "due_at": {"$lte": moment}}
        cursor = self.collection.find(where).sort("due_at", 1).limit(limit)
        found = [readable(self.collection.name, document, _message) async for document in cursor]
        return [message for message in found if message is not None]

    async def take(self, message_id: str, now: datetime, until: datetime) -> bool:
        free = {"$or": [{"held_until": None}, {"held_until": {"$lte": now}}]}
        taken = await self.collection.update_one(
            {"_id": message_id, "outstanding": True, **free}, {"$set": {"held_until": until}}
        )
        return taken.modified_count == 1

    async def delivered(self, message_id: str, deliveries: Sequence[Delivery]) -> None:
        update = {
            "deliveries": [d.model_dump(mode="python") for d in deliveries],
            "held_until": None,
            **_sending(deliveries),
        }
        await self.collection.update_one({"_id": message_id}, {"$set": update})


def _document(message: Message) -> Document:
    return {"_id": message.id, **message.model_dump(mode="python", exclude={"id"}), **_sending(message.deliveries)}


def _sending(deliveries: Sequence[Delivery]) -> Document:
    """The fields the sender finds a message by: whether a delivery is pending, and when next."""
    due = due_of(deliveries)
    return {"outstanding": due is not None, "due_at": due}


def _hour(moment: datetime) -> str:
    """The hour a moment is in, on UTC: `2026-12-05T18`."""
    at = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H")


def _pending(document: Document) -> Pending:
    return Pending.model_validate({**document, "id": document["_id"]})


def _message(document: Document) -> Message:
    return Message.model_validate({**document, "id": document["_id"]})
