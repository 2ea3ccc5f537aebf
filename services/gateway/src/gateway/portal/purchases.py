"""The portal's purchases of services (购买服务): a union's administrator or a street's publishes
what it buys, for whom, with a budget and a period; social organisations offer; the buyer awards
one offer; the organisation awarded records what it delivered (person-times); the people served
rate it; everyone sees spending against budget, person-times per ¥10,000, and the figures per
area and year."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contract.bodies.cobuilding import AwardCreate, DeliveryCreate, EvaluationCreate, OfferCreate, PurchaseCreate
from gateway.portal.accounts import Role, Session
from gateway.portal.web import (
    AdminIn,
    AreaFilter,
    ItemId,
    OrgAdminIn,
    Posted,
    ResidentIn,
    ServicesDep,
    Visitor,
    number,
    render,
)

router = APIRouter(include_in_schema=False)


def buyer(visitor: Session | None) -> str | None:
    """Who the visitor buys as: their organisation, or their area."""
    if visitor is None:
        return None
    account = visitor.account
    if account.role is Role.AREA_ADMIN:
        return f"area:{account.area_code}"
    return f"organization:{account.organization_id}" if account.organization_id else None


@router.get("/purchases", response_class=HTMLResponse)
async def purchases(request: Request, visitor: Visitor, up: ServicesDep, area: AreaFilter = None) -> HTMLResponse:
    found = await up.get(up.cobuilding, "/purchases", {"area_code": area, "limit": 100})
    shown = sorted(found["items"], key=lambda p: (p["status"] != "open", p["published_at"]))
    return await render(request, "purchases.html", visitor, purchases=shown, area=area or "")


@router.post("/purchases")
async def publish(visitor: AdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """By a union's (an organisation's) administrator or a street's: the service refuses anyone else."""
    fields = {
        name: str(form.get(name, "")).strip()
        for name in ("title", "service", "for_whom", "category", "starts_on", "ends_on")
    } | {"budget": number(form.get("budget", ""), 0)}
    return await up.act(up.cobuilding, "/purchases", "/purchases", PurchaseCreate, fields)


@router.get("/purchases/figures", response_class=HTMLResponse)
async def figures(request: Request, visitor: Visitor, up: ServicesDep, area: AreaFilter = None) -> HTMLResponse:
    """The purchases of services per area below `area` (the city) and per year."""
    node = area or request.app.state.settings.city_code
    rows = await up.get(up.cobuilding, "/purchases/figures", {"area_code": node})
    return await render(request, "purchase_figures.html", visitor, rows=rows, area=node)


@router.get("/purchases/{purchase_id}", response_class=HTMLResponse)
async def purchase(request: Request, purchase_id: ItemId, visitor: Visitor, up: ServicesDep) -> HTMLResponse:
    found = await up.get(up.cobuilding, f"/purchases/{purchase_id}")
    bidders = {o["organization_id"] for o in found["offers"]} | (
        {found["awarded_to"]} if found["awarded_to"] else set()
    )
    names = {}
    for organization_id in bidders:
        if (known := await up.organizations.find(f"/organizations/{organization_id}")) is not None:
            names[organization_id] = known["name"]
    me = buyer(visitor)
    return await render(request, "purchase.html", visitor, purchase=found, names=names, me=me)


@router.post("/purchases/{purchase_id}/offers")
async def offer(purchase_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"price": number(form.get("price", ""), 0), "plan": str(form.get("plan", "")).strip()}
    return await up.act(
        up.cobuilding, f"/purchases/{purchase_id}/offers", f"/purchases/{purchase_id}", OfferCreate, fields
    )


@router.post("/purchases/{purchase_id}/award")
async def award(purchase_id: ItemId, visitor: AdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"offer_id": str(form.get("offer_id", ""))}
    return await up.act(
        up.cobuilding, f"/purchases/{purchase_id}/award", f"/purchases/{purchase_id}", AwardCreate, fields
    )


@router.post("/purchases/{purchase_id}/deliveries")
async def deliver(purchase_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {
        "on": str(form.get("on", "")),
        "person_times": number(form.get("person_times", ""), 0),
        "note": str(form.get("note", "")),
    }
    path = f"/purchases/{purchase_id}/deliveries"
    return await up.act(up.cobuilding, path, f"/purchases/{purchase_id}", DeliveryCreate, fields)


@router.post("/purchases/{purchase_id}/ratings")
async def rate(purchase_id: ItemId, visitor: ResidentIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"stars": number(form.get("stars", ""), 0), "text": str(form.get("text", ""))}
    path = f"/purchases/{purchase_id}/ratings"
    return await up.act(up.cobuilding, path, f"/purchases/{purchase_id}", EvaluationCreate, fields)


@router.post("/purchases/{purchase_id}/close")
async def close(purchase_id: ItemId, visitor: AdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    return await up.act(up.cobuilding, f"/purchases/{purchase_id}/close", f"/purchases/{purchase_id}")
