"""The inbox's routes: a resident, a member or an organisation's people read what they were told
and mark it read; no one reads another's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from notifications.models import Inbox, Message
from notifications.service import Notifications
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.params import IdPath

router = APIRouter(tags=["inbox"])

NotificationsDep = Annotated[Notifications, Depends(provided(Notifications))]


@router.get("/inbox", response_model=Inbox)
async def inbox(
    notifications: NotificationsDep,
    actor: ActorDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Inbox:
    """The caller's messages, the latest first (`unread=true`: those not read yet), and how many are unread."""
    return await notifications.inbox(actor, unread_only=unread, limit=limit)


@router.get("/inbox/unread")
async def unread(notifications: NotificationsDep, actor: ActorDep) -> dict[str, int]:
    """How many of the caller's messages are unread: the portal's bell."""
    return {"unread": await notifications.unread(actor)}


@router.post("/inbox/{message_id}/read", response_model=Message)
async def read(message_id: IdPath, notifications: NotificationsDep, actor: ActorDep) -> Message:
    """Marks one of the caller's messages read; 404 for one that is not theirs."""
    return await notifications.read(actor, message_id, datetime.now(UTC))
