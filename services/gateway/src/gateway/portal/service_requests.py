"""Requesting services and lendables in the portal. Anyone signed in requests one from its page:
a resident for themself, a person of an organisation for it. The provider's administrators
accept or decline on the organisation's dashboard, then mark an accepted request done (a
service) or returned (a lendable); the requester follows it, and may cancel it, on their own
page (`/me`, `/org`)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from contract.bodies.resources import RequestCreate
from contract.events.resources import CapacityPeriod
from contract.periods import period_of
from gateway.portal.accounts import Role, Session
from gateway.portal.web import ItemId, OrgAdminIn, Posted, ServicesDep, SignedIn, back_to, number, refusal_of

router = APIRouter(include_in_schema=False)

PERIODS_SHOWN = 4


def periods_left(resource: dict[str, Any], first: date) -> list[dict[str, Any]]:
    """What is left of a service's or lendable's capacity in the period `first` falls in and the
    next ones, each named by the days of it still to come (a week, a month) or its day."""
    kind = CapacityPeriod(resource["capacity_period"])
    days: dict[str, list[date]] = {}
    day = first
    while len(days) <= PERIODS_SHOWN:
        days.setdefault(period_of(kind, day), []).append(day)
        day += timedelta(days=1)
    shown = list(days.items())[:PERIODS_SHOWN]
    return [
        {
            "period": key,
            "days": key if kind is not CapacityPeriod.WEEK else f"{span[0]:%m-%d} – {span[-1]:%m-%d}",
            "left": resource["capacity"] - resource["used"].get(key, 0),
        }
        for key, span in shown
    ]


def home_of(visitor: Session) -> str:
    """Where a visitor follows their requests: a resident's page, or the organisation's dashboard."""
    return "/me" if visitor.account.role is Role.RESIDENT else "/org"


async def requests_of(up: ServicesDep) -> list[dict[str, Any]]:
    """The visitor's service requests (an organisation's made and received), newest first, each
    with its resource, who asked and what is left of the resource in the request's period."""
    items: list[dict[str, Any]] = (await up.get(up.resources, "/service-requests", {"limit": 100}))["items"]
    if not items:
        return []
    resource_ids = sorted({r["resource_id"] for r in items})
    found = await up.get(up.resources, "/resources", {"ids": resource_ids, "limit": len(resource_ids)})
    resources = {r["id"]: r for r in found["items"]}
    organization_ids = sorted({r["organization_id"] for r in items if r["organization_id"]})
    organizations = await asyncio.gather(*(up.organizations.find(f"/organizations/{o}") for o in organization_ids))
    names = {o["id"]: o["name"] for o in organizations if o}
    rows = []
    for item in sorted(items, key=lambda r: r["created_at"], reverse=True):
        resource = resources.get(item["resource_id"])
        left = resource["capacity"] - resource["used"].get(item["period"], 0) if resource else None
        requester = names.get(item["organization_id"]) if item["organization_id"] else item["resident_name"]
        rows.append({**item, "resource": resource, "requester": requester or "", "left": left})
    return rows


@router.post("/resources/{resource_id}/request")
async def request(resource_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Requests a service or lendable for the day wanted: then the visitor's own page, where the
    request waits for the provider; a refusal is shown on the resource's page."""
    body: dict[str, Any] = {
        "wanted_on": str(form.get("wanted_on", "")),
        "quantity": number(form.get("quantity"), 1),
        "note": str(form.get("note", "")),
    }
    if visitor.account.role is Role.RESIDENT:
        body["resident_name"] = visitor.account.name
    response = await up.send(up.resources, f"/resources/{resource_id}/requests", RequestCreate, body)
    if error := refusal_of(response):
        return back_to(f"/resources/{resource_id}", error)
    return back_to(home_of(visitor), "request_sent")


@router.post("/service-requests/{request_id}/cancel")
async def cancel(request_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """The requester cancels its request (an accepted one gives its capacity back)."""
    return await up.act(up.resources, f"/service-requests/{request_id}/cancel", home_of(visitor))


@router.post("/org/service-requests/{request_id}/{action}")
async def decide(
    request_id: ItemId,
    action: Literal["accept", "decline", "complete"],
    visitor: OrgAdminIn,
    form: Posted,
    up: ServicesDep,
) -> RedirectResponse:
    """The provider's administrator accepts or declines a request, then marks it done or returned."""
    return await up.act(up.resources, f"/service-requests/{request_id}/{action}", "/org")
