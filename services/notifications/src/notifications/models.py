"""A message: what one person (a principal) is told of one event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Channel = Literal["email", "sms"]


class Delivery(BaseModel):
    """A message on its way by mail or SMS (the inbox has it the moment it is stored)."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    to: str  # the address or the mobile number the person had set when the message was stored
    status: Literal["pending", "sent", "failed", "cancelled"] = "pending"  # cancelled: turned off meanwhile
    next_at: datetime  # when to send (or try again): held for quiet hours or the day's digest
    digest: bool = False  # sent with the others due at the digest hour, in one mail
    attempts: int = 0
    reason: str | None = None  # why the last attempt failed
    sent_at: datetime | None = None


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # derived from the event and the recipient: an event redelivered tells no one twice
    recipient: str  # `organization:{id}`, `member:{id}` or `resident:{id}`
    kind: str  # the table's row kind (claim, wish, booking, service_request, proposal), or reminder
    event_type: str
    event_id: str
    subject: str  # what the event is about (its aggregate's id)
    zh: str
    en: str
    link: str  # the portal page where to act
    at: datetime  # when it happened
    read_at: datetime | None = None
    deliveries: list[Delivery] = []

    @property
    def due_at(self) -> datetime | None:
        """When its next delivery is due; None when none is pending."""
        return due_of(self.deliveries)


def due_of(deliveries: Sequence[Delivery]) -> datetime | None:
    return min((d.next_at for d in deliveries if d.status == "pending"), default=None)


class Pending(BaseModel):
    """A reminder set by an event, waiting until it falls due or what it reminds of is done."""

    model_config = ConfigDict(frozen=True)

    id: str  # derived from the event that set it
    set_by: str  # that event's type
    subject: str  # what it is about: the booking, the request, the wish
    due_at: datetime
    recipients: list[str]
    zh: str
    en: str
    link: str
    status: Literal["pending", "telling", "done", "sent"] = "pending"


class Inbox(BaseModel):
    items: list[Message]
    unread: int
