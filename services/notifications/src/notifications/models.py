"""A message: what one person (a principal) is told of one event."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


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
