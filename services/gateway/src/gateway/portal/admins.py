"""The portal for administrators of an area: the dashboard of their subtree, from their own
node down to any community in it: overdue needs, needs waiting for a claim by category, the
busiest venues and the most responsive organisations."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from contract.areas import covers
from gateway import service
from gateway.portal import reminders
from gateway.portal.ratings import to_rate
from gateway.portal.web import AreaAdminIn, PortalRefusal, ServicesDep, render
from gateway.upstreams import Upstreams
from runtime.app import component

router = APIRouter(include_in_schema=False)


@router.get("/admin", response_class=HTMLResponse)
async def dashboard(
    request: Request,
    visitor: AreaAdminIn,
    up: ServicesDep,
    area: Annotated[str | None, Query(pattern=r"^[0-9]{6,17}$")] = None,
) -> HTMLResponse:
    """The administrator's node, or a node below it (`area`); 403 for one outside it."""
    own = visitor.account.area_code
    assert own is not None
    code = area or own
    if not covers(own, code):
        raise PortalRefusal(403, "forbidden")
    cached = component(request, service.Cached)
    figures, below, wishes, waiting = await asyncio.gather(
        service.figures_of(component(request, Upstreams), cached, code),
        cached.get(f"admin:{code}", lambda: _below(up, code)),
        up.get(up.needs, "/wishes", {"area_code": code, "limit": 50}),
        to_rate(up),
    )
    unmatched = sorted(
        ((c, n["open"]) for c, n in figures["by_category"].items() if n.get("open")), key=lambda p: -p[1]
    )
    return await render(
        request,
        "admin.html",
        visitor,
        figures=figures,
        trail=[node for node in below["trail"] if covers(own, node["code"])],
        unmatched=unmatched,
        wishes=[w for w in wishes["items"] if w["status"] in ("open", "claimed", "done")],
        to_rate=waiting,
        reminders=reminders.for_area(wishes["items"]),
        **{k: v for k, v in below.items() if k != "trail"},
    )


async def _below(up: ServicesDep, code: str) -> dict[str, Any]:
    """What the dashboard shows of a node's subtree. It is the same for every administrator
    allowed to ask (any whose node covers `code` sees all of it), so it is kept `CACHE_SECONDS`
    for all of them: twenty administrators opening the page cost the services one pass."""
    scope = {"area_code": code}
    trail, children, overdue, venues, responsive = await asyncio.gather(
        up.get(up.organizations, f"/areas/{code}/path"),
        up.get(up.organizations, f"/areas/{code}/children"),
        up.get(up.needs, "/needs", {**scope, "status": "expired", "limit": 20}),
        up.get(up.resources, "/stats/venues", {**scope, "limit": 10}),
        up.get(up.needs, "/stats/organizations", {**scope, "limit": 10}),
    )
    names = await _names(up, [o["organization_id"] for o in responsive["items"]])
    return {
        "trail": trail,
        "children": [c for c in children if c["level"] in ("district", "street", "community")],
        "overdue": overdue["items"],
        "venues": venues["items"],
        "responsive": [{**o, "name": names.get(o["organization_id"], "")} for o in responsive["items"]],
    }


async def _names(up: ServicesDep, organization_ids: list[str]) -> dict[str, str]:
    found = await asyncio.gather(*(up.organizations.find(f"/organizations/{o}") for o in organization_ids))
    return {o: f["name"] for o, f in zip(organization_ids, found, strict=True) if f}
