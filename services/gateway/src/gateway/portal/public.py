"""The portal's pages anyone may see: the figures of the city and of every node below it,
browsing needs, venues, services and lendables, a page per item; the language switch, the portal's own
files and the front-end packages."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from contract.opening_hours import OpeningPeriod, open_between
from contract.schemas import Day
from gateway import service
from gateway.portal.i18n import categories
from gateway.portal.registrations import home_page_first
from gateway.portal.service_requests import periods_left
from gateway.portal.web import (
    CST,
    LANG_COOKIE,
    AreaFilter,
    ItemId,
    PageCursor,
    ServicesDep,
    Visitor,
    back_to,
    language,
    render,
    safe_next,
    set_cookie,
)
from gateway.upstreams import Upstream, Upstreams
from runtime.actors import Actor, ActorKind, sign
from runtime.app import component

router = APIRouter(include_in_schema=False)

AreaCode = Annotated[str, PathParam(pattern=r"^[0-9]{6,17}$")]
Text = Annotated[str | None, Query(max_length=50)]
CATEGORIES = {value for value, _ in categories("en")}


@dataclass
class Browsing:
    """What the portal's lists are narrowed by: a category, an area, part of the title, and
    where the page starts."""

    category: str | None = None
    area_code: AreaFilter = None
    q: Text = None
    cursor: PageCursor = None

    def asked(self, **more: object) -> dict[str, object]:
        """The service's query for a page of 20 (an unknown category is no filter)."""
        category = self.category if self.category in CATEGORIES else None
        return {
            "category": category,
            "area_code": self.area_code,
            "q": self.q,
            "cursor": self.cursor,
            "limit": 20,
        } | more

    def shown(self, **more: object) -> dict[str, object]:
        """The filters as the page's form shows them again."""
        return {"category": self.category or "", "area_code": self.area_code or "", "q": self.q or ""} | more


BrowsingDep = Annotated[Browsing, Depends()]
VENDOR = {"echarts.min.js": ("echarts", "dist", "echarts.min.js")}
STATIC = Path(__file__).parent / "static"


async def _kept(request: Request, key: str, upstream: Upstream, path: str) -> Any:
    return await component(request, service.Cached).get(key, lambda: upstream.get(path))


async def _area_page(request: Request, visitor: Visitor, code: str, **extra: Any) -> HTMLResponse:
    up = component(request, Upstreams)
    figures, trail, children = await asyncio.gather(
        service.figures_of(up, component(request, service.Cached), code),
        _kept(request, f"path:{code}", up.organizations, f"/areas/{code}/path"),
        _kept(request, f"children:{code}", up.organizations, f"/areas/{code}/children"),
    )
    lang = language(request)
    chart = {
        "by_month": figures["by_month"],
        "by_category": figures["by_category"],
        "labels": dict(categories(lang)),
        "lang": lang,
    }
    below = [c for c in children if c["level"] in ("district", "street", "community")]
    return render(
        request,
        "area.html",
        visitor,
        figures=figures,
        trail=trail,
        children=below,
        chart=json.dumps(chart, ensure_ascii=False),
        **extra,
    )


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, visitor: Visitor) -> HTMLResponse:
    """The city's figures and charts, its districts to drill into, the newest match proposals."""
    settings, up = request.app.state.settings, component(request, Upstreams)
    platform = sign(Actor(kind=ActorKind.PLATFORM), settings.actor_secret)
    views, _ = await component(request, service.Cached).get(
        "proposals:newest",
        lambda: service.list_proposals(
            {"limit": 20, "newest": "true"},
            actor=platform,
            matching=up.matching,
            needs=up.needs,
            resources=up.resources,
        ),
    )
    shown = [view for view in views if view.need and view.resource]  # what a visitor may not see stays out
    return await _area_page(request, visitor, settings.city_code, proposals=shown)


@router.get("/areas/{code}", response_class=HTMLResponse)
async def area(code: AreaCode, request: Request, visitor: Visitor) -> HTMLResponse:
    """The same figures for one district, street or community, with the nodes below it."""
    return await _area_page(request, visitor, code)


def _day_range(day: date | None) -> tuple[str, str] | tuple[None, None]:
    if day is None:
        return None, None
    start = datetime.combine(day, time(0), CST)
    return start.isoformat(), (start + timedelta(days=1)).isoformat()


@router.get("/needs", response_class=HTMLResponse)
async def browse_needs(
    request: Request, visitor: Visitor, up: ServicesDep, browsing: BrowsingDep, day: Day | None = None
) -> HTMLResponse:
    """Needs open for claims, by category, area, the day they start and part of the title; a
    registered member's community's first (双报到)."""
    starts_from, starts_to = _day_range(day)
    asked = browsing.asked(starts_from=starts_from, starts_to=starts_to, status=["open", "partly_claimed"])
    page = await home_page_first(up, await up.get(up.needs, "/needs", asked), "/needs", asked)
    return render(request, "needs.html", visitor, page=page, filters=browsing.shown(day=day or ""))


@router.get("/needs/{need_id}", response_class=HTMLResponse)
async def need_page(need_id: ItemId, request: Request, visitor: Visitor, up: ServicesDep) -> HTMLResponse:
    """A need, who claimed it and how far each claim is, with the moves the visitor may make."""
    need = await up.get(up.needs, f"/needs/{need_id}")
    ids = [need["organization_id"], *{c["organization_id"] for c in need["claims"]}]
    found = await asyncio.gather(*(up.organizations.find(f"/organizations/{i}") for i in ids))
    names = {i: o["name"] for i, o in zip(ids, found, strict=True) if o}
    return render(request, "need.html", visitor, need=need, poster=found[0], names=names)


@router.get("/venues", response_class=HTMLResponse)
@router.get("/services", response_class=HTMLResponse)
@router.get("/lendables", response_class=HTMLResponse)
async def browse_resources(
    request: Request,
    visitor: Visitor,
    up: ServicesDep,
    browsing: BrowsingDep,
    free_from: str | None = None,
    free_to: str | None = None,
) -> HTMLResponse:
    """Venues (free between two times, when asked), services or lendables, by category, area and name."""
    kind = request.url.path.strip("/")
    free = _free_between(free_from, free_to) if kind == "venues" else (None, None)
    page = await up.get(up.resources, "/resources", browsing.asked(kind=kind[:-1], free_from=free[0], free_to=free[1]))
    filters = browsing.shown(free_from=free_from or "", free_to=free_to or "")
    return render(request, "resources.html", visitor, kind=kind, page=page, filters=filters)


def _free_between(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """The two times of the "free between" fields (local datetime-local values), or none."""
    try:
        first = datetime.fromisoformat(start or "").replace(tzinfo=CST)
        last = datetime.fromisoformat(end or "").replace(tzinfo=CST)
        first.astimezone(UTC), last.astimezone(UTC)  # a time at the calendar's very edge overflows here, not later
    except (ValueError, OverflowError):
        return None, None
    return (first.isoformat(), last.isoformat()) if last > first else (None, None)


@router.get("/resources/{resource_id}", response_class=HTMLResponse)
async def resource_page(
    resource_id: ItemId, request: Request, visitor: Visitor, up: ServicesDep, week: Day | None = None
) -> HTMLResponse:
    """A venue, lendable or service; a venue's week on a calendar of half hours, to book from; a
    service's or lendable's capacity left in the periods to come, to request it from."""
    resource = await up.get(up.resources, f"/resources/{resource_id}")
    owner = await up.organizations.find(f"/organizations/{resource['organization_id']}")
    grid, periods, today = None, None, datetime.now(CST).date()
    if resource["capacity_period"] is not None:
        periods = periods_left(resource, today)
    if resource["kind"] == "venue":
        first = week or datetime.now(CST).date()
        first -= timedelta(days=first.weekday())
        start = datetime.combine(first, time(0), CST)
        taken = await up.get(
            up.resources,
            f"/venues/{resource_id}/calendar",
            {"from": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()},
        )
        grid = week_grid(resource, first, taken)
    return render(
        request, "resource.html", visitor, resource=resource, owner=owner, grid=grid, periods=periods, today=today
    )


def week_grid(venue: dict[str, Any], monday: date, taken: list[dict[str, Any]]) -> dict[str, Any]:
    """A week of half hours, 07:00 to 22:00: each cell free, taken or closed."""
    busy = [(datetime.fromisoformat(b["starts_at"]), datetime.fromisoformat(b["ends_at"])) for b in taken]
    hours = [OpeningPeriod.model_validate(period) for period in venue["opening_hours"]]
    days = [monday + timedelta(days=i) for i in range(7)]
    now = datetime.now(CST)
    rows = []
    for half in range(14, 44):
        clock = time(half // 2, 30 * (half % 2))
        cells = []
        for day in days:
            start = datetime.combine(day, clock, CST)
            end = start + timedelta(minutes=30)
            if start < now or not open_between(hours, start, end):
                state = "closed"
            elif any(s < end and start < e for s, e in busy):
                state = "taken"
            else:
                state = "free"
            cells.append({"start": start.isoformat(timespec="minutes"), "state": state})
        rows.append({"clock": clock.strftime("%H:%M"), "cells": cells})
    return {
        "days": days,
        "rows": rows,
        "previous": (monday - timedelta(days=7)).isoformat(),
        "next": (monday + timedelta(days=7)).isoformat(),
    }


@router.get("/lang/{to}")
async def switch_language(request: Request, to: Literal["zh", "en"], next: str | None = None) -> RedirectResponse:
    response = back_to(safe_next(next))
    set_cookie(request, response, LANG_COOKIE, to, max_age=365 * 24 * 3600)
    return response


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """The portal's own stylesheet and script."""
    if name not in {"portal.css", "portal.js"}:
        return Response("no such file", status_code=404)
    return FileResponse(STATIC / name, headers={"Cache-Control": "public, max-age=300"})


@router.get("/vendor/{name}")
async def vendor(name: str, request: Request) -> Response:
    """Front-end packages installed from npm (`services/gateway/web`, its lock file)."""
    parts = VENDOR.get(name)
    found = Path(request.app.state.settings.web_modules).joinpath(*parts) if parts else None
    if found is None or not found.is_file():
        return Response("not installed: run npm ci in services/gateway/web", status_code=404)
    return FileResponse(found, headers={"Cache-Control": "public, max-age=86400"})
