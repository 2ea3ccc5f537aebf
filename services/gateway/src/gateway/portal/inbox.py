"""The inbox in the portal: what the notifications service told the visitor (a resident, a
member, or an organisation's administrator for the organisation), the bell's unread count that
every page asks for while it is in view (without renewing the session: a page left open does
not keep it alive), and a message opened: marked read, then its page."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.portal.accounts import Accounts, Role, Session
from gateway.portal.web import SESSION_COOKIE, ItemId, ServicesDep, SignedIn, render
from gateway.upstreams import Upstreams
from runtime.actors import Actor, ActorKind, sign
from runtime.app import component

router = APIRouter(include_in_schema=False)


def reader(visitor: Session) -> Actor | None:
    """Whom the visitor reads messages as: themselves, or (an organisation's administrator)
    the organisation; None for a visitor with no inbox (an area's administrator, a member the
    registry has not named yet)."""
    account = visitor.account
    if account.role is Role.ORG_ADMIN:
        return Actor(kind=ActorKind.ORGANIZATION, organization_id=account.organization_id)
    if account.role is Role.RESIDENT or (account.role is Role.MEMBER and account.member_id):
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
    return render(request, "inbox.html", visitor, inbox=found)


@router.get("/inbox/unread.json")
async def unread(request: Request) -> dict[str, int]:
    """How many messages wait unread: the bell on every page asks while the page is in view."""
    token = request.cookies.get(SESSION_COOKIE)
    visitor = await component(request, Accounts).session(token, renew=False) if token else None
    actor = reader(visitor) if visitor else None
    if actor is None:
        return {"unread": 0}
    headers = {"X-Actor": sign(actor, request.app.state.settings.actor_secret)}
    answer = await component(request, Upstreams).notifications.call("GET", "/inbox/unread", headers=headers)
    return {"unread": int(answer.json()["unread"])} if answer.status_code == 200 else {"unread": 0}


@router.get("/inbox/{message_id}")
async def open_message(message_id: ItemId, visitor: SignedIn, up: ServicesDep) -> RedirectResponse:
    """A message opened: marked read, then the page where the visitor acts on it."""
    actor = reader(visitor)
    if actor is None:
        return RedirectResponse("/inbox", status_code=303)
    answer = await up.notifications.call("POST", f"/inbox/{message_id}/read", json={}, headers=up.headers(actor))
    link = answer.json().get("link", "/inbox") if answer.status_code == 200 else "/inbox"
    return RedirectResponse(on_site(str(link)), status_code=303)
