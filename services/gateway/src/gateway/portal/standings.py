"""The portal's standings: the leaderboards of a community, street or district (anyone; a
signed-in visitor starts from their own area), and the annual assessment of members for an
organisation's or an area's administrators, on the page and as an XLSX workbook.

A member is ranked by id (the points service names no one): the portal finds their name as the
platform and shows it whole only to the member themself, the people of one of their
organisations and the administrators of the board's area; anyone else sees the surname alone
(王**)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from contract.errors import NotFound
from gateway.portal.accounts import Role, Session
from gateway.portal.i18n import translate
from gateway.portal.sheets import workbook
from gateway.portal.web import PortalRefusal, ServicesDep, SignedIn, Visitor, language, render
from gateway.upstreams import UpstreamError
from runtime.actors import Actor, ActorKind, sign

router = APIRouter(include_in_schema=False)

Node = Annotated[str | None, Query(pattern=r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$")]
LEVELS = ("city", "district", "street", "community")
NAMES_AT_ONCE = 8  # the registry is asked for this many names at a time
COLUMNS = ("name", "member_code", "points", "service_hours_hm", "claims_done", "activities_attended")


def masked(name: str) -> str:
    """A name as strangers see it: the surname, then one star per character left (王**)."""
    return name[:1] + "*" * max(2, len(name) - 1) if name else "**"


async def home_area(up: ServicesDep, visitor: Session | None, city: str) -> str:
    """Where a visitor's boards start: their community (a resident's home, their organisation's
    place), the node they administer, or the city for a visitor not signed in."""
    if visitor is None:
        return city
    account = visitor.account
    if account.for_organization and account.organization_id:
        found = await up.organizations.find(f"/organizations/{account.organization_id}")
        return str(found["area_code"])[:12] if found else city
    return (account.area_code or city)[:12]


def sees_whole(visitor: Session | None, member: dict[str, Any], area: str) -> bool:
    if visitor is None:
        return False
    account = visitor.account
    if account.member_id is not None and account.member_id == member.get("id"):
        return True
    if account.for_organization:
        return account.organization_id in member.get("organization_ids", [])
    return account.actor.administers(area)


async def _named(request: Request, up: ServicesDep, ids: list[str], path: str) -> dict[str, dict[str, Any]]:
    """The documents at `path` % id (as the platform), by id; one the registry does not have is left out."""
    platform = sign(Actor(kind=ActorKind.PLATFORM), request.app.state.settings.actor_secret)
    limit = asyncio.Semaphore(NAMES_AT_ONCE)

    async def one(id_: str) -> dict[str, Any] | None:
        async with limit:
            try:
                found: dict[str, Any] = await up.organizations.get(path % id_, actor=platform)
            except (NotFound, UpstreamError):  # shown by its id: the board is still worth showing
                return None
            return found

    found = await asyncio.gather(*(one(i) for i in ids))
    return {i: f for i, f in zip(ids, found, strict=True) if f is not None}


@router.get("/leaderboards", response_class=HTMLResponse)
async def leaderboards(
    request: Request,
    visitor: Visitor,
    up: ServicesDep,
    area: Node = None,
    period: Literal["month", "year"] = "month",
    kind: Literal["member", "organization"] = "member",
    unit: Literal["points", "minutes"] = "points",
) -> HTMLResponse:
    """Who did the most in a community, street or district this month or this year: members or
    organisations, by points or service hours."""
    city = request.app.state.settings.city_code
    code = area or await home_area(up, visitor, city)
    asked = {"area_code": code, "period": period, "kind": kind, "unit": unit, "limit": 50}
    board, trail, children = await asyncio.gather(
        up.get(up.points, "/leaderboard", asked),
        up.organizations.find(f"/areas/{code}/path"),
        up.organizations.find(f"/areas/{code}/children"),
    )
    ids = [row[f"{kind}_id"] for row in board["items"]]
    path = "/members/%s" if kind == "member" else "/organizations/%s"
    found = await _named(request, up, ids, path)
    rows = []
    for row in board["items"]:
        owner = found.get(row[f"{kind}_id"])
        name = str(owner["name"]) if owner else ""
        if kind == "member" and owner and not sees_whole(visitor, owner, code):
            name = masked(name)
        rows.append({**row, "name": name or row[f"{kind}_id"][:8], "amount": row[unit]})
    levels = [n for n in trail or [] if n["level"] in LEVELS]
    below = [c for c in children or [] if c["level"] in LEVELS]
    chosen = {"area": code, "period": period, "kind": kind, "unit": unit}
    return await render(
        request, "leaderboards.html", visitor, board=board, rows=rows, levels=levels, below=below, chosen=chosen
    )


async def _assessment(up: ServicesDep, visitor: Session, year: int | None, area: str | None) -> dict[str, Any]:
    """The assessment as the points service answers it for the visitor, each row with the
    member's name (from their organisations' member lists, as the visitor may read them)."""
    if visitor.account.role not in (Role.ORG_ADMIN, Role.AREA_ADMIN):
        raise PortalRefusal(403, "forbidden")
    answer: dict[str, Any] = await up.get(up.points, "/assessment", {"year": year, "area_code": area})
    organizations = sorted({o for row in answer["items"] for o in row["organization_ids"]})
    names: dict[str, str] = {}
    for chunk in range(0, len(organizations), NAMES_AT_ONCE):
        pages = await asyncio.gather(
            *(_members_of(up, o) for o in organizations[chunk : chunk + NAMES_AT_ONCE]), return_exceptions=True
        )
        for page in pages:
            if isinstance(page, dict):
                names.update(page)
    for row in answer["items"]:
        row["name"] = names.get(row["member_id"], "")
    return answer


async def _members_of(up: ServicesDep, organization_id: str) -> dict[str, str]:
    """Every member's name of one organisation, by member id, page by page."""
    names: dict[str, str] = {}
    cursor = None
    while True:
        page = await up.get(
            up.organizations, f"/organizations/{organization_id}/members", {"limit": 200, "cursor": cursor}
        )
        names.update({m["id"]: m["name"] for m in page["items"]})
        cursor = page.get("next_cursor")
        if not cursor:
            return names


YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get("/assessment", response_class=HTMLResponse)
async def assessment(
    request: Request, visitor: SignedIn, up: ServicesDep, year: YearQuery = None, area: Node = None
) -> HTMLResponse:
    """The annual assessment of the members of the visitor's organisation, or of the organisations
    of the area they administer (or of a node below it): organisations' and areas' administrators."""
    answer = await _assessment(up, visitor, year, area)
    return await render(request, "assessment.html", visitor, assessment=answer, area=area or "")


@router.get("/assessment.xlsx")
async def assessment_workbook(
    request: Request, visitor: SignedIn, up: ServicesDep, year: YearQuery = None, area: Node = None
) -> Response:
    """The same assessment as an XLSX workbook, one row a member, in the visitor's language."""
    answer = await _assessment(up, visitor, year, area)
    lang = language(request)
    keys = ("name", "member_id", "points", "hours", "claims_completed", "activities_attended")
    rows = [[translate(column, lang) for column in COLUMNS], *([row[k] for k in keys] for row in answer["items"])]
    return workbook({f"{answer['year']}": rows}, f"assessment-{answer['year']}.xlsx")
