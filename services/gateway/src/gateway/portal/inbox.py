"""The inbox in the portal: what the notifications service told the visitor (a resident, a
member, or an organisation's administrator for the organisation), the bell's unread count that
every page asks for when it opens, comes back in view or hears of a new message (without
renewing the session: a page left open does not keep it alive), a message opened: marked read,
then its page; how else the visitor wants to be told; and a mail's link turning its kind off."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse

from contract.events import Envelope
from gateway.portal.accounts import Accounts, Role, Session
from gateway.portal.web import (
    SESSION_COOKIE,
    ItemId,
    Posted,
    ServicesDep,
    SignedIn,
    Visitor,
    back_to,
    refusal_of,
    render,
)
from gateway.streams import Streams
from gateway.upstreams import Answer, Upstreams
from runtime.actors import Actor, ActorKind, sign
from runtime.app import component, provided

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Query(min_length=10, max_length=600, pattern=r"^[A-Za-z0-9_\-.]+$")]


class Bells:
    """Tells the pages a person has open that a message was stored for them, as server-sent
    events. Every gateway process reads every `message.stored` (the topic's tail), so whichever
    process a page reaches hears of it; nothing is kept for a page not open."""

    def __init__(self) -> None:
        self.streams = Streams(lambda e: f"id: {e.id}\nevent: message\ndata: {{}}\n\n", size=100)

    async def on_event(self, event: Envelope) -> None:
        self.streams.tell(str(event.model_dump()["data"]["recipient"]), event)

    def stream(self, person: str, until: datetime) -> AsyncIterator[str]:
        return self.streams.stream(person, until=until)


def reader(visitor: Session) -> Actor | None:
    """Whom the visitor reads messages as: themselves, or (an organisation's administrator)
    the organisation; None for a visitor with no inbox (an area's administrator, a member the
    registry has not named yet)."""
    account = visitor.account
    if account.role is Role.ORG_ADMIN:
        return Actor(kind=ActorKind.ORGANIZATION, organization_id=account.organization_id)
    if account.role in (Role.RESIDENT, Role.AREA_ADMIN) or (account.role is Role.MEMBER and account.member_id):
        return account.actor
    return None


def on_site(link: str) -> str:
    """The link when it is a path of the portal's own; else the inbox."""
    parts = urlsplit(link)
    return link if link.startswith("/") and not (parts.scheme or parts.netloc or "\\" in link) else "/inbox"


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, visitor: SignedIn, up: ServicesDep) -> HTMLResponse:
    """The visitor's messages, the latest first, unread ones marked."""
    actor = reader(visitor)
    found = await up.get(up.notifications, "/inbox", {"limit": 100}, actor=actor) if actor else None
    return await render(request, "inbox.html", visitor, inbox=found)


async def _unrenewed(request: Request) -> Session | None:
    """The visitor, without renewing their session: what a page asks by itself (the bell)
    does not keep a session alive that its person left."""
    token = request.cookies.get(SESSION_COOKIE)
    return await component(request, Accounts).session(token, renew=False) if token else None


@router.get("/inbox/unread.json")
async def unread(request: Request) -> dict[str, int]:
    """How many messages wait unread: the bell on every page asks while the page is in view."""
    visitor = await _unrenewed(request)
    actor = reader(visitor) if visitor else None
    if actor is None:
        return {"unread": 0}
    headers = {"X-Actor": sign(actor, request.app.state.settings.actor_secret)}
    answer = await component(request, Upstreams).notifications.call("GET", "/inbox/unread", headers=headers)
    return {"unread": int(answer.json()["unread"])} if answer.status_code == 200 else {"unread": 0}


@router.post("/inbox/read")
async def read_all(visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Every message of the visitor's marked read."""
    actor = reader(visitor)
    if actor is None:
        return back_to("/inbox", "forbidden")
    answer = await up.notifications.call("POST", "/inbox/read", json={}, headers=up.headers(actor))
    return back_to("/inbox", refusal_of(answer) or "saved")


@router.get("/inbox/live")
async def live(request: Request, bells: Annotated[Bells, Depends(provided(Bells))]) -> StreamingResponse:
    """A `message` event each time a message is stored for the visitor, until their session
    would expire (the session is not renewed by it): the bell asks for the count."""
    visitor = await _unrenewed(request)
    actor = reader(visitor) if visitor else None
    person = actor.person if actor else None
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if visitor is None or person is None:
        return StreamingResponse(_nothing(), media_type="text/event-stream", headers=headers)
    stream = bells.stream(person, until=visitor.expires_at)
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)


async def _nothing() -> AsyncIterator[str]:
    yield ": no inbox\n\n"


KINDS = (
    "claim",
    "wish",
    "booking",
    "service_request",
    "proposal",
    "concern",
    "agreement",
    "project",
    "purchase",
    "reminder",
)  # the notifications table's (a test)
CHANNELS = ("email", "sms")


@router.get("/inbox/settings", response_class=HTMLResponse)
async def settings_page(request: Request, visitor: SignedIn, up: ServicesDep) -> HTMLResponse:
    """How the visitor wants to be told besides the inbox: mail, SMS, quiet hours, a digest."""
    actor = reader(visitor)
    found = await up.get(up.notifications, "/preferences", actor=actor) if actor else None
    return await render(request, "inbox_settings.html", visitor, preferences=found, kinds=KINDS, channels=CHANNELS)


@router.post("/inbox/settings")
async def save_settings(visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    actor = reader(visitor)
    if actor is None:
        return back_to("/inbox/settings", "forbidden")
    body = {
        "email": _text(form.get("email")),
        "phone": _text(form.get("phone")),
        "off": [f"{k}/{c}" for k in KINDS for c in CHANNELS if form.get(f"on:{k}/{c}") is None],
        "digest": form.get("digest") is not None,
        **{f: value for f in ("digest_at", "quiet_from", "quiet_to") if (value := _text(form.get(f)))},
    }
    headers = {**up.headers(actor), "Content-Type": "application/json"}
    answer = await up.notifications.call("PUT", "/preferences", content=json.dumps(body).encode(), headers=headers)
    return back_to("/inbox/settings", refusal_of(answer) or "saved")


def _text(value: object) -> str | None:
    """A form's text field, trimmed; None when empty (or not text: a file)."""
    return value.strip() or None if isinstance(value, str) else None


@router.get("/inbox/confirm", response_class=HTMLResponse)
async def confirm_page(request: Request, visitor: Visitor, t: Token) -> HTMLResponse:
    """The link sent to an address: asks to confirm (a link opened by a mail scanner changes nothing)."""
    return await render(request, "confirm.html", visitor, token=t, done=None)


@router.post("/inbox/confirm", response_class=HTMLResponse)
async def confirm(request: Request, visitor: Visitor, t: Token) -> HTMLResponse:
    """Confirms the address the link was sent to: the signed link is the proof (no session asked)."""
    answer = await _as_platform(request, "/preferences/confirm", t)
    done = answer.json() if answer.status_code == 200 else None
    return await render(request, "confirm.html", visitor, token=t, done=done, status_code=answer.status_code)


async def _as_platform(request: Request, path: str, token: str) -> Answer:
    """A signed link's token sent to the notifications service by the platform, for whoever opened it."""
    headers = {"X-Actor": sign(Actor(kind=ActorKind.PLATFORM), request.app.state.settings.actor_secret)}
    return await component(request, Upstreams).notifications.call("POST", path, json={"token": token}, headers=headers)


@router.get("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe_page(request: Request, visitor: Visitor, t: Token) -> HTMLResponse:
    """A mail's link: asks to confirm (a link opened by a mail scanner changes nothing)."""
    return await render(request, "unsubscribe.html", visitor, token=t, done=None)


@router.post("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe(request: Request, visitor: Visitor, t: Token) -> HTMLResponse:
    """Turns the mail's kind off for whoever it was sent to: the signed link is their proof, so
    neither a session nor a form token is asked for (a mail client's one-click POST, RFC 8058)."""
    answer = await _as_platform(request, "/unsubscribe", t)
    done = answer.json() if answer.status_code == 200 else None
    return await render(request, "unsubscribe.html", visitor, token=t, done=done, status_code=200 if done else 403)


@router.get("/inbox/{message_id}")
async def open_message(message_id: ItemId, visitor: SignedIn, up: ServicesDep) -> RedirectResponse:
    """A message opened: marked read, then the page where the visitor acts on it."""
    actor = reader(visitor)
    if actor is None:
        return RedirectResponse("/inbox", status_code=303)
    answer = await up.notifications.call("POST", f"/inbox/{message_id}/read", json={}, headers=up.headers(actor))
    link = answer.json().get("link", "/inbox") if answer.status_code == 200 else "/inbox"
    return RedirectResponse(on_site(str(link)), status_code=303)
