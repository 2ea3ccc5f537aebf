"""Where messages are kept: one document each, its id derived from the event and the recipient,
so a redelivered event inserts nothing new."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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

    async def cancel(self, subject: str, set_by: Sequence[str]) -> None:
        """The subject's pending reminders set by those kinds of event: done, never told."""
        ...

    async def due(self, moment: datetime, *, limit: int) -> list[Pending]:
        """Those due by `moment` and not told: pending, or being told when a crash came."""
        ...

    async def telling(self, reminder_id: str) -> bool:
        """Marks a pending reminder as being told; False when it is no longer pending (done meanwhile)."""
        ...

    async def sent(self, reminder_id: str) -> None: ...


class MongoReminderRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["reminders"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("subject")  # one-field indexes: FerretDB answers equality from them
        await self.collection.create_index("status")

    async def add(self, reminders: Sequence[Pending]) -> None:
        if reminders:
            await insert_new(self.collection, [{"_id": r.id, **r.model_dump(exclude={"id"})} for r in reminders])

    async def cancel(self, subject: str, set_by: Sequence[str]) -> None:
        where = {"subject": subject, "status": "pending", "set_by": {"$in": list(set_by)}}
        await self.collection.update_many(where, {"$set": {"status": "done"}})

    async def due(self, moment: datetime, *, limit: int) -> list[Pending]:
        where = {"status": {"$in": ["pending", "telling"]}, "due_at": {"$lte": moment}}
        cursor = self.collection.find(where).limit(limit)
        found = [readable(self.collection.name, d, _pending) async for d in cursor]
        return [reminder for reminder in found if reminder is not None]

    async def telling(self, reminder_id: str) -> bool:
        done = await self.collection.update_one(
            {"_id": reminder_id, "status": "pending"}, {"$set": {"status": "telling"}}
        )
        return done.modified_count == 1

    async def sent(self, reminder_id: str) -> None:
        await self.collection.update_one({"_id": reminder_id, "status": "telling"}, {"$set": {"status": "sent"}})


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


def _pending(document: Document) -> Pending:
    return Pending.model_validate({**document, "id": document["_id"]})


def _message(document: Document) -> Message:
    return Message.model_validate({**document, "id": document["_id"]})
