"""The portal for administrators of an area: the dashboard of their subtree, from their own
node down to any community in it: its charts over a chosen range of months, the areas below it
compared, overdue needs, needs waiting for a claim by category, the busiest venues and the most
responsive organisations; every table of it also as an XLSX workbook."""

from __future__ import annotations

import asyncio
import functools
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from contract.areas import covers
from gateway import service
from gateway.portal import charts, reminders
from gateway.portal.accounts import Session
from gateway.portal.i18n import categories, category_label, translate
from gateway.portal.public import Months
from gateway.portal.ratings import to_rate
from gateway.portal.sheets import workbook
from gateway.portal.web import CST, AreaAdminIn, PortalRefusal, ServicesDep, language, render
from gateway.upstreams import Upstreams
from runtime.app import component

router = APIRouter(include_in_schema=False)


AreaBelow = Annotated[str | None, Query(pattern=r"^[0-9]{6,17}$")]
COMPARED = ("organizations", "members", "needs_posted", "needs_fulfilled", "needs_open", "claims_completed")


@router.get("/admin", response_class=HTMLResponse)
async def dashboard(
    request: Request, visitor: AreaAdminIn, up: ServicesDep, area: AreaBelow = None, months: Months = None
) -> HTMLResponse:
    """The administrator's node, or a node below it (`area`); 403 for one outside it."""
    code = _node(visitor, area)
    figures, below, compared = await _subtree(request, up, code)
    wishes, waiting = await asyncio.gather(up.get(up.needs, "/wishes", {"area_code": code, "limit": 50}), to_rate(up))
    own = visitor.account.area_code or ""
    return await render(
        request,
        "admin.html",
        visitor,
        figures=figures,
        trail=[node for node in below["trail"] if covers(own, node["code"])],
        unmatched=_unmatched(figures),
        compared=compared,
        monthly=charts.by_month(figures["by_month"], months, datetime.now(CST).date()),
        categories_chart=charts.by_category(figures["by_category"], dict(categories(language(request)))),
        wishes=[w for w in wishes["items"] if w["status"] in ("open", "claimed", "done")],
        to_rate=waiting,
        reminders=reminders.for_area(wishes["items"]),
        **{k: v for k, v in below.items() if k != "trail"},
    )


@router.get("/admin/export.xlsx")
async def export(
    request: Request, visitor: AreaAdminIn, up: ServicesDep, area: AreaBelow = None, months: Months = None
) -> Response:
    """Every table of the dashboard as a sheet of one workbook, in the visitor's language."""
    code = _node(visitor, area)
    figures, below, compared = await _subtree(request, up, code)
    lang = language(request)
    t = functools.partial(translate, lang=lang)
    monthly = charts.by_month(figures["by_month"], months, datetime.now(CST).date())
    series = ("needs_posted", "needs_fulfilled", "claims_completed")
    sheets = {
        t("by_month"): [
            [t("month"), *map(t, series)],
            *([m, v.get("posted", 0), v.get("fulfilled", 0), v.get("claims", 0)] for m, v in monthly["rows"]),
        ],
        t("by_category"): [
            [t("category"), t("needs_posted"), t("needs_open"), t("venues_shared"), t("services_shared")],
            *(
                [category_label(c, lang), v.get("posted", 0), v.get("open", 0), v.get("venue", 0), v.get("service", 0)]
                for c, v in sorted(figures["by_category"].items())
            ),
        ],
        t("areas_compared"): [
            [t("area"), t("area_code"), *map(t, COMPARED)],
            *([row["name"], row["code"], *(row[k] for k in COMPARED)] for row in compared),
        ],
        t("overdue_needs"): [
            [t("title"), t("category"), t("deadline")],
            *([n["title"], category_label(n["category"], lang), n.get("deadline")] for n in below["overdue"]),
        ],
        t("busiest_venues"): [[t("venue"), t("bookings")], *([v["name"], v["bookings"]] for v in below["venues"])],
        t("responsive_orgs"): [
            [t("organizations"), t("completed"), t("claims"), t("hours_to_claim")],
            *(
                [o["name"], o["claims_completed"], o["claims_made"], o["median_hours_to_claim"]]
                for o in below["responsive"]
            ),
        ],
    }
    return workbook(sheets, f"area-{code}.xlsx")


def _node(visitor: Session, area: str | None) -> str:
    """The node asked for: the administrator's own, or one below it (403 for one outside it)."""
    own = visitor.account.area_code
    assert own is not None
    code = area or own
    if not covers(own, code):
        raise PortalRefusal(403, "forbidden")
    return code


async def _subtree(request: Request, up: ServicesDep, code: str) -> tuple[Any, dict[str, Any], list[dict[str, Any]]]:
    """The node's figures, what the dashboard shows of its subtree, and the areas below compared."""
    cached, upstreams = component(request, service.Cached), component(request, Upstreams)
    figures, below = await asyncio.gather(
        service.figures_of(upstreams, cached, code), cached.get(f"admin:{code}", lambda: _below(up, code))
    )
    zh = language(request) == "zh"
    compared = [
        {"code": c["code"], "name": c["name"] if zh else c["name_en"] or c["name"]} | c["figures"]
        for c in below["children"]
    ]
    return figures, below, compared


def _unmatched(figures: dict[str, Any]) -> list[tuple[str, int]]:
    """The categories with needs still waiting for a claim, the most first."""
    return sorted(((c, n["open"]) for c, n in figures["by_category"].items() if n.get("open")), key=lambda p: -p[1])


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
    below = [c for c in children if c["level"] in ("district", "street", "community")]
    # the areas below compared: their registry's counts, and their needs' totals in one call
    totals = await up.get(up.needs, "/stats/areas", {"area_code": [c["code"] for c in below]}) if below else None
    for child, needs in zip(below, totals["items"] if totals else [], strict=True):
        child["figures"] = service.registered(child) | service.demanded(needs["totals"])
    return {
        "trail": trail,
        "children": below,
        "overdue": overdue["items"],
        "venues": venues["items"],
        "responsive": [{**o, "name": names.get(o["organization_id"], "")} for o in responsive["items"]],
    }


async def _names(up: ServicesDep, organization_ids: list[str]) -> dict[str, str]:
    found = await asyncio.gather(*(up.organizations.find(f"/organizations/{o}") for o in organization_ids))
    return {o: f["name"] for o, f in zip(organization_ids, found, strict=True) if f}
