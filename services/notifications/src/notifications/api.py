"""The inbox's routes: a resident, a member or an organisation's people read what they were told
and mark it read, and say how else they want to be told; no one reads or changes another's. The
portal (the platform actor) turns a mail's kind off for whoever opened the mail's signed link."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from notifications.models import Inbox, Message
from notifications.preferences import Asked, Preferences
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


@router.post("/inbox/read")
async def read_all(notifications: NotificationsDep, actor: ActorDep) -> dict[str, int]:
    """Marks every unread message of the caller's read; how many it marked."""
    return {"read": await notifications.read_all(actor, datetime.now(UTC))}


@router.post("/inbox/{message_id}/read", response_model=Message)
async def read(message_id: IdPath, notifications: NotificationsDep, actor: ActorDep) -> Message:
    """Marks one of the caller's messages read; 404 for one that is not theirs."""
    return await notifications.read(actor, message_id, datetime.now(UTC))


@router.get("/preferences", response_model=Preferences)
async def preferences(notifications: NotificationsDep, actor: ActorDep) -> Preferences:
    """How the caller wants to be told besides the inbox: mail, SMS, quiet hours, digest."""
    return await notifications.preferences_of(actor)


@router.put("/preferences", response_model=Preferences)
async def prefer(body: Asked, notifications: NotificationsDep, actor: ActorDep) -> Preferences:
    """Sets how the caller wants to be told, from their next message on; a new address is
    mailed (or texted) a link its person opens to confirm it, and used from then on."""
    return await notifications.prefer(actor, body)


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=800)


@router.post("/unsubscribe")
async def unsubscribe(body: Link, notifications: NotificationsDep, actor: ActorDep) -> dict[str, str]:
    """Turns off the kind of mail a mail's link names (the platform, for whoever opened it)."""
    return await notifications.unsubscribe(actor, body.token)


@router.post("/preferences/confirm")
async def confirm(body: Link, notifications: NotificationsDep, actor: ActorDep) -> dict[str, str]:
    """Confirms the address a confirmation link was sent to (the platform, for whoever opened it);
    409 when it is no longer the one set."""
    return await notifications.confirm(actor, body.token)
