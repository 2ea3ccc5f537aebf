"""The portal's activities: anyone browses those to come; a resident signs up for one or gives
their place back; an organisation's administrator posts one, sees who signed up and may call it
off."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contract.bodies.needs import ActivityCreate, SignUpCreate
from gateway.portal.organizations import organization_of
from gateway.portal.registrations import home_page_first
from gateway.portal.web import (
    AreaFilter,
    ItemId,
    OrgAdminIn,
    PageCursor,
    Posted,
    ResidentIn,
    ServicesDep,
    Visitor,
    back_to,
    form_time,
    form_values,
    number,
    refusal_of,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/activities", response_class=HTMLResponse)
async def browse(
    request: Request,
    visitor: Visitor,
    up: ServicesDep,
    area_code: AreaFilter = None,
    cursor: PageCursor = None,
) -> HTMLResponse:
    """Activities still to come, of an area when asked, soonest first; a registered member's
    community's first (双报到)."""
    asked = {"area_code": area_code, "cursor": cursor, "limit": 50}
    page = await up.get(up.needs, "/activities", asked)
    page["items"].sort(key=lambda a: a["starts_at"])
    page = await home_page_first(up, page, "/activities", asked)
    return await render(request, "activities.html", visitor, page=page, filters={"area_code": area_code or ""})


@router.get("/activities/{activity_id}", response_class=HTMLResponse)
async def activity_page(activity_id: ItemId, request: Request, visitor: Visitor, up: ServicesDep) -> HTMLResponse:
    """An activity with the places left; the visitor's sign-up, or who signed up for its organiser."""
    activity = await up.get(up.needs, f"/activities/{activity_id}")
    host = await up.organizations.find(f"/organizations/{activity['organization_id']}")
    return await render(request, "activity.html", visitor, activity=activity, host=host)


@router.post("/activities/{activity_id}/signup")
async def sign_up(activity_id: ItemId, visitor: ResidentIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Signs the resident up, with the people they bring."""
    body = {"name": visitor.account.name, "people": number(form.get("people"), 1)}
    response = await up.send(up.needs, f"/activities/{activity_id}/signups", SignUpCreate, body)
    return back_to(f"/activities/{activity_id}", refusal_of(response))  # the page says it is done


@router.post("/activities/{activity_id}/withdraw")
async def withdraw(activity_id: ItemId, visitor: ResidentIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    return await up.act(up.needs, f"/activities/{activity_id}/withdraw", f"/activities/{activity_id}")


@router.post("/activities/{activity_id}/cancel")
async def cancel(activity_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    return await up.act(up.needs, f"/activities/{activity_id}/cancel", f"/activities/{activity_id}")


@router.get("/org/activities/new", response_class=HTMLResponse)
async def activity_form(request: Request, visitor: OrgAdminIn) -> HTMLResponse:
    return await render(request, "activity_new.html", visitor, error=None, values={})


@router.post("/org/activities", response_model=None)
async def post_activity(request: Request, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> Any:
    """Posts an activity in the organisation's area, open for sign-up at once."""
    organization = await organization_of(up, visitor)
    values = form_values(form, "title", "description", "category", "place", "places", "starts_at", "ends_at")
    body: dict[str, Any] = {
        **values,
        "places": values["places"] or 1,
        "area_code": organization["area_code"],
        "starts_at": form_time(values["starts_at"]),
        "ends_at": form_time(values["ends_at"]),
    }
    return await up.make(
        request,
        up.needs,
        "/activities",
        ActivityCreate,
        body,
        values=values,
        template="activity_new.html",
        page="/activities",
    )
