"""The portal's joint meetings (联席会议) of a community's neighbour partners, an area
administrator's: the next meeting drafted from what is stuck (each item with the partners best
placed to take it); who came, what was decided and who took what; and a decision made a need in
one step, posted for the organisation that took it on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contract.bodies.cobuilding import MeetingCreate, MeetingRecord, OutcomeCreate
from gateway.portal.needs import need_for_an_organization
from gateway.portal.web import (
    AreaAdminIn,
    ItemId,
    Posted,
    ServicesDep,
    back_to,
    refusal_of,
    render,
)

router = APIRouter(include_in_schema=False)


@router.get("/admin/meetings", response_class=HTMLResponse)
async def meetings(request: Request, visitor: AreaAdminIn, up: ServicesDep) -> HTMLResponse:
    found = await up.get(up.cobuilding, "/meetings", {"limit": 50})
    latest = sorted(found["items"], key=lambda m: m["held_on"], reverse=True)
    return await render(request, "meetings.html", visitor, meetings=latest)


@router.post("/admin/meetings")
async def draft(visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """The next meeting, its agenda drafted by the platform; then its page."""
    fields = {"held_on": str(form.get("held_on", "")), "title": str(form.get("title", "")).strip()}
    if area := str(form.get("area_code", "")).strip():
        fields["area_code"] = area
    answer = await up.send(up.cobuilding, "/meetings", MeetingCreate, fields)
    if (refused := refusal_of(answer)) is not None:
        return back_to("/admin/meetings", refused)
    return back_to(f"/admin/meetings/{answer.json()['id']}", "saved")


@router.get("/admin/meetings/{meeting_id}", response_class=HTMLResponse)
async def meeting(request: Request, visitor: AreaAdminIn, meeting_id: ItemId, up: ServicesDep) -> HTMLResponse:
    """The agenda, with the area's organisations to mark present and to take items on."""
    found = await up.get(up.cobuilding, f"/meetings/{meeting_id}")
    partners = await up.get(up.organizations, "/organizations", {"area": found["area_code"], "limit": 200})
    names = {o["id"]: o["name"] for o in partners["items"]}
    return await render(request, "meeting.html", visitor, meeting=found, partners=partners["items"], names=names)


@router.post("/admin/meetings/{meeting_id}/record")
async def record(meeting_id: ItemId, visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Who came, the minutes, and each item's decision and who took it on."""
    item_ids = [str(i) for i in form.getlist("item_id")]
    fields: dict[str, Any] = {
        "attendance": [str(o) for o in form.getlist("attended")],
        "minutes": str(form.get("minutes", "")),
        "decisions": [
            {
                "item_id": i,
                "decision": str(form.get(f"decision:{i}", "")),
                "taken_by": str(form.get(f"taken_by:{i}", "")) or None,
            }
            for i in item_ids
        ],
    }
    return await up.act(
        up.cobuilding, f"/meetings/{meeting_id}/record", f"/admin/meetings/{meeting_id}", MeetingRecord, fields
    )


@router.post("/admin/meetings/{meeting_id}/items/{item_id}/need")
async def into_a_need(
    meeting_id: ItemId, item_id: ItemId, visitor: AreaAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    """An item's decision made a need in one step: posted for the organisation that took it on,
    in the item's area, and the agenda told what the item became."""
    back = f"/admin/meetings/{meeting_id}#item-{item_id}"
    found = await up.get(up.cobuilding, f"/meetings/{meeting_id}")
    agenda_item = next((i for i in found["items"] if i["item_id"] == item_id), None)
    if agenda_item is None:
        return back_to(back, "not_found")
    if agenda_item["became"] is not None:
        return back_to(back, "refused_taken_up")  # made something already: no second need
    area = agenda_item["area_code"] if len(agenda_item["area_code"]) >= 12 else found["area_code"]
    posted = await need_for_an_organization(up, form, area)
    if (refused := refusal_of(posted)) is not None:
        return back_to(back, refused)
    became = {"kind": "need", "id": posted.json()["id"]}
    return await up.act(up.cobuilding, f"/meetings/{meeting_id}/items/{item_id}/outcome", back, OutcomeCreate, became)
