"""The audit log over HTTP: every mutating request is recorded, and operators read the log."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract.errors import Forbidden, Unauthorized
from contract.schemas import Moment
from runtime.actors import ActorKind, MaybeActor
from runtime.audit import AuditEntry, audit_log
from runtime.pagination import Limit, Page

log = logging.getLogger(__name__)

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POSTs that change nothing: the gateway asks the registry about a partner's key at every partner
# request, and the log would hold those questions rather than who changed what.
QUESTIONS = frozenset({"/api-keys/verify"})
LOST = Counter("audit_entries_lost_total", "Audit entries that could not be stored")


class AuditTrail:
    """Records every mutating request in the audit log once it is answered: who acted (the
    actor its headers name), the method and route, the status, when, and from where."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in MUTATING or scope["path"] in QUESTIONS:
            await self.app(scope, receive, send)
            return
        status = 500  # unless an answer is sent: what the server's error handler answers then

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            try:  # the answer has gone: a failure here can only be logged and counted
                await audit_log(scope["app"]).record(scope, "request", status=status)
            except Exception:
                LOST.inc()
                log.exception("an audit entry could not be stored")


# --- reading the log --------------------------------------------------------------------


When = Moment | None


async def _reader(request: Request, actor: MaybeActor, x_admin_token: Annotated[str | None, Header()] = None) -> None:
    """Only the platform's operators (the platform actor, or the registry's admin token) and the
    city's administrators read the audit log."""
    token = getattr(request.app.state.settings, "admin_token", None)
    if x_admin_token is not None and token is not None:
        if not hmac.compare_digest(x_admin_token.encode(), token.get_secret_value().encode()):
            raise Unauthorized("wrong admin token")
        return
    if actor is None:
        raise Unauthorized("the audit log is for the platform's operators: send an X-Actor token")
    if actor.kind is ActorKind.PLATFORM or actor.runs_a_city:
        return
    raise Forbidden("only the platform's operators and the city's administrators may read the audit log")


Reader = Annotated[None, Depends(_reader)]
router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntry])
async def read_audit(
    request: Request,
    _: Reader,
    since: Annotated[When, Query(description="entries at or after this time")] = None,
    until: Annotated[When, Query(description="entries before this time")] = None,
    actor: Annotated[str | None, Query(max_length=100, description="e.g. organization:<id>, admin")] = None,
    route: Annotated[str | None, Query(max_length=200, description="a route template: /members/{member_id}")] = None,
    action: Annotated[str | None, Query(max_length=50, description="request, personal_data.viewed, ...")] = None,
    cursor: Annotated[
        str | None, Query(pattern=r"^[0-9]{1,15}$", description="`next_cursor` of the page before")
    ] = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The service's audit log, newest first: who did what, when and from where. Platform
    operators and the city's administrators only."""
    found = await audit_log(request.app).page(
        since=since,
        until=until,
        actor=actor,
        route=route,
        action=action,
        before=int(cursor) if cursor else None,
        limit=limit,
    )
    return {"items": found, "next_cursor": str(found[-1].seq) if len(found) == limit else None}


@router.get("/verify")
async def verify_audit(request: Request, _: Reader) -> dict[str, Any]:
    """Checks the whole chain: `broken_at` is the first entry changed or following a removed
    one (null when none was). Platform operators and the city's administrators only."""
    checked, broken_at = await audit_log(request.app).verify()
    return {"entries": checked, "intact": broken_at is None, "broken_at": broken_at}
