"""The audit log of every service, for the city's administrators: who did what, when, from where."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from gateway.portal.web import AreaAdminIn, PortalRefusal, ServicesDep, render
from runtime.audit import audit_log

router = APIRouter(include_in_schema=False)
Service = Literal["gateway", "organizations", "needs", "resources", "matching"]


@router.get("/admin/audit", response_class=HTMLResponse)
async def audit(
    request: Request,
    visitor: AreaAdminIn,
    up: ServicesDep,
    service: Service = "organizations",
    actor: Annotated[str | None, Query(max_length=100)] = None,
    route: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=50)] = None,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,15}$")] = None,
) -> HTMLResponse:
    """One service's audit log, newest first, filtered; the city's administrators only (each
    service refuses anyone else too)."""
    if not visitor.account.actor.runs_a_city:
        raise PortalRefusal(403, "forbidden")
    filters = {"service": service, "actor": actor, "route": route, "action": action}
    params = {k: v for k, v in {**filters, "cursor": cursor, "limit": 50}.items() if v and k != "service"}
    if service == "gateway":  # its own log
        found = await audit_log(request.app).page(
            actor=actor, route=route, action=action, before=int(cursor) if cursor else None, limit=50
        )
        page: dict[str, Any] = {
            "items": [e.model_dump(mode="json") for e in found],
            "next_cursor": str(found[-1].seq) if len(found) == 50 else None,
        }
    else:
        page = await up.get(getattr(up, service), "/audit", params)
    return await render(request, "audit.html", visitor, page=page, filters=filters, services=get_args(Service))
