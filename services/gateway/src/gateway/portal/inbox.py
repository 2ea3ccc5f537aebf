"""The inbox in the portal: what the notifications service told the visitor (a resident, a
member, or an organisation's administrator for the organisation), the bell's unread count that
every page asks for while it is open, and a message opened: marked read, then its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.portal.accounts import Role, Session
from gateway.portal.web import ItemId, ServicesDep, SignedIn, render
from runtime.actors import Actor, ActorKind

router = APIRouter(include_in_schema=False)


def reader(visitor: Session) -> Actor | None:
    """Whom the visitor reads messages as: themselves, or (an organisation's administrator)
    the organisation; None for a visitor with no inbox (an area's administrator)."""
    account = visitor.account
    if account.role is Role.AREA_ADMIN:
        return None
    if account.role is Role.ORG_ADMIN:
        return Actor(kind=ActorKind.ORGANIZATION, organization_id=account.organization_id)
    return account.actor


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, visitor: SignedIn, up: ServicesDep) -> HTMLResponse:
    """The visitor's messages, the latest first, unread ones marked."""
    actor = reader(visitor)
    found = await up.get(up.notifications, "/inbox", {"limit": 100}, actor=actor) if actor else None
    return render(request, "inbox.html", visitor, inbox=found)


@router.get("/inbox/unread.json")
async def unread(visitor: SignedIn, up: ServicesDep) -> dict[str, int]:
    """How many messages wait unread: the bell on every page asks while the page is open."""
    actor = reader(visitor)
    return await up.get(up.notifications, "/inbox/unread", actor=actor) if actor else {"unread": 0}


@router.get("/inbox/{message_id}")
async def open_message(message_id: ItemId, visitor: SignedIn, up: ServicesDep) -> RedirectResponse:
    """A message opened: marked read, then the page where the visitor acts on it."""
    actor = reader(visitor)
    if actor is None:
        return RedirectResponse("/inbox", status_code=303)
    answer = await up.notifications.call("POST", f"/inbox/{message_id}/read", json={}, headers=up.headers(actor))
    link = answer.json().get("link", "/inbox") if answer.status_code == 200 else "/inbox"
    return RedirectResponse(link if link.startswith("/") and not link.startswith("//") else "/inbox", status_code=303)
