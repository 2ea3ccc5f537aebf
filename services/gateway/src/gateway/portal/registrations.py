"""双报到 in the portal: a member declares the community where they live and sees where their
declaration stands; the community's administrator accepts or declines the declarations waiting;
the organisation's administrator reads the month's report of its members' hours served in their
communities and downloads it as XLSX. A registered member sees their community's needs, wishes and
activities first, marked (`home_community`, `home_first`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contract.bodies.points import RegistrationCreate
from gateway.portal.accounts import Role
from gateway.portal.web import (
    AreaAdminIn,
    ItemId,
    MemberIn,
    OrgAdminIn,
    PortalRefusal,
    Posted,
    ServicesDep,
    refusal_of,
    render,
)
from gateway.upstreams import UpstreamError

router = APIRouter(include_in_schema=False)

MonthQuery = Annotated[str | None, Query(pattern=r"^([0-9]{4}-(0[1-9]|1[0-2]))?$")]


def this_month() -> str:
    """The city's calendar month now, `2026-12`."""
    return (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m")


async def home_community(up: ServicesDep) -> str | None:
    """The community the signed-in member is registered in, or None (not a member, none accepted,
    or the points service does not answer: the page shows without it)."""
    if up.visitor is None or up.visitor.account.role is not Role.MEMBER:
        return None
    try:
        mine = await up.get(up.points, "/registrations/mine")
    except (PortalRefusal, UpstreamError):
        return None
    accepted = [r for r in mine if r["status"] == "accepted"]
    return str(max(accepted, key=lambda r: r["decided_at"])["community_code"]) if accepted else None


def home_first(items: list[dict[str, Any]], community: str | None) -> list[dict[str, Any]]:
    """The items of the member's community first (each marked `home`), the others after, each
    group in the order it came."""
    if community is None:
        return items
    marked = [{**item, "home": str(item.get("area_code", "")).startswith(community)} for item in items]
    return [i for i in marked if i["home"]] + [i for i in marked if not i["home"]]


async def home_page_first(up: ServicesDep, page: dict[str, Any], path: str, asked: dict[str, Any]) -> dict[str, Any]:
    """A list's first page for a registered member browsing no area of their own choosing: their
    community's items (of the same query) first, marked, then the rest; any other page as it is."""
    if asked.get("cursor") or asked.get("area_code"):
        return page
    community = await home_community(up)
    if community is None:
        return page
    home = await up.get(up.needs, path, {**asked, "area_code": community, "limit": 10})
    ids = {item["id"] for item in home["items"]}
    rest = [item for item in page["items"] if item["id"] not in ids]
    return {**page, "items": home_first(home["items"] + rest, community)}


async def of_home_community(up: ServicesDep, community: str | None) -> dict[str, Any] | None:
    """The open needs, open wishes and activities of the member's community, for their dashboard."""
    if community is None:
        return None
    needs, wishes, activities = await asyncio.gather(
        up.get(up.needs, "/needs", {"area_code": community, "status": "open", "limit": 10}),
        up.get(up.needs, "/wishes", {"area_code": community, "status": "open", "limit": 10}),
        up.get(up.needs, "/activities", {"area_code": community, "limit": 10}),
    )
    return {
        "code": community,
        "needs": needs["items"],
        "wishes": wishes["items"],
        "activities": [a for a in activities["items"] if a.get("status") == "open"],
    }


@router.get("/org/registration", response_class=HTMLResponse)
async def mine(request: Request, visitor: MemberIn, up: ServicesDep) -> HTMLResponse:
    """The member's registrations (双报到), the latest first, and the form to declare where they live."""
    registrations = await up.get(up.points, "/registrations/mine")
    current = next((r for r in registrations if r["status"] == "accepted"), None)
    pending = next((r for r in registrations if r["status"] == "pending"), None)
    return await render(
        request, "registration.html", visitor, registrations=registrations, current=current, pending=pending
    )


@router.post("/org/registration")
async def declare(visitor: MemberIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"community_code": str(form.get("community_code", "")).strip(), "name": visitor.account.name}
    return await up.act(up.points, "/registrations", "/org/registration", RegistrationCreate, fields)


@router.get("/admin/registrations", response_class=HTMLResponse)
async def waiting(request: Request, visitor: AreaAdminIn, up: ServicesDep) -> HTMLResponse:
    """The declarations waiting for the administrator, of the communities they administer."""
    registrations = await up.get(up.points, "/registrations/waiting", {"limit": 100})
    return await render(request, "registrations_waiting.html", visitor, registrations=registrations)


@router.post("/admin/registrations/{registration_id}/{decision}")
async def decide(
    registration_id: ItemId, decision: Literal["accept", "decline"], visitor: AreaAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    return await up.act(up.points, f"/registrations/{registration_id}/{decision}", "/admin/registrations")


@router.get("/org/registration-report", response_class=HTMLResponse)
async def report(request: Request, visitor: OrgAdminIn, up: ServicesDep, month: MonthQuery = None) -> HTMLResponse:
    """The month's report of the organisation's members registered in their communities: who,
    how many hours (to the minute), on what; with its XLSX to download."""
    chosen = month or this_month()
    path = f"/organizations/{visitor.account.organization_id}/registration-report"
    found = await up.get(up.points, path, {"month": chosen})
    return await render(request, "registration_report.html", visitor, report=found, month=chosen)


@router.get("/org/registration-report.xlsx")
async def report_xlsx(visitor: OrgAdminIn, up: ServicesDep, month: MonthQuery = None) -> Response:
    chosen = month or this_month()
    path = f"/organizations/{visitor.account.organization_id}/registration-report.xlsx"
    answer = await up.points.call("GET", path, params={"month": chosen}, headers=up.headers())
    if answer.status_code >= 400:
        raise PortalRefusal(answer.status_code, refusal_of(answer) or "refused")
    disposition = f'attachment; filename="registration-report-{chosen}.xlsx"'
    media = answer.headers.get("content-type", "application/octet-stream")
    return Response(answer.content, media_type=media, headers={"Content-Disposition": disposition})
