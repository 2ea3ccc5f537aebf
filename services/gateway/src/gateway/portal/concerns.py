"""The portal's red mailbox (红色信箱): a resident puts in a concern, a suggestion or a complaint
about their community, with photos, follows each step (answered, or escalated to the street and
the district when not answered in time) and rates the answer; the community's administrators (and
the street's and district's above them) answer what is theirs, see their communities' figures,
and a grid worker puts one in for a resident without an account."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contract.bodies.cobuilding import ConcernCreate, ConcernRating, ConcernReply, OutcomeCreate
from gateway.portal.needs import need_for_an_organization
from gateway.portal.web import (
    AreaAdminIn,
    AreaFilter,
    ItemId,
    Posted,
    ResidentIn,
    ServicesDep,
    SignedIn,
    back_to,
    refusal_of,
    render,
)

router = APIRouter(include_in_schema=False)
FIELDS = ("kind", "title", "text", "phone")
PhotoUpload = Annotated[UploadFile | None, File()]


@router.get("/concerns", response_class=HTMLResponse)
async def mine(request: Request, visitor: ResidentIn, up: ServicesDep) -> HTMLResponse:
    """The resident's concerns, the latest first, each with its steps; and the form to put one in."""
    found = await up.get(up.cobuilding, "/concerns", {"limit": 100})
    return await render(request, "concerns.html", visitor, concerns=latest_first(found["items"]))


@router.post("/concerns")
async def submit(visitor: ResidentIn, form: Posted, up: ServicesDep, photo: PhotoUpload = None) -> RedirectResponse:
    fields = {name: str(form.get(name, "")).strip() or None for name in FIELDS}
    return await _submitted(up, fields, photo, "/concerns")


@router.post("/concerns/{concern_id}/rate")
async def rate(concern_id: ItemId, visitor: ResidentIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"stars": str(form.get("stars", "")), "comment": str(form.get("comment", ""))}
    return await up.act(up.cobuilding, f"/concerns/{concern_id}/rate", "/concerns", ConcernRating, fields)


@router.get("/concerns/{concern_id}/photos/{digest}")
async def photo(concern_id: ItemId, digest: str, visitor: SignedIn, up: ServicesDep) -> Response:
    """A concern's photo, for its resident and those who handle it."""
    return await up.photo(up.cobuilding, f"/concerns/{concern_id}/photos/{digest}")


@router.get("/admin/concerns", response_class=HTMLResponse)
async def handled(request: Request, visitor: AreaAdminIn, up: ServicesDep, area: AreaFilter = None) -> HTMLResponse:
    """The concerns of the administrator's area (of one area below it when chosen): those
    waiting first, the ones now the administrator's own level's marked; the figures per community."""
    found, figures, organizations = await asyncio.gather(
        up.get(up.cobuilding, "/concerns", {"area_code": area, "limit": 200}),
        up.get(up.cobuilding, "/concerns/figures", {"area_code": area}),
        up.get(up.organizations, "/organizations", {"area": area or visitor.account.area_code, "limit": 200}),
    )
    waiting = sorted((c for c in found["items"] if c["status"] == "waiting"), key=lambda c: c["due_at"])
    others = latest_first([c for c in found["items"] if c["status"] != "waiting"])
    return await render(
        request,
        "admin_concerns.html",
        visitor,
        waiting=waiting,
        others=others,
        figures=figures,
        area=area,
        organizations=organizations["items"],
    )


@router.post("/admin/concerns/{concern_id}/need")
async def into_a_need(concern_id: ItemId, visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """A concern taken up as a need in one step: posted for an organisation of the area, and the
    concern told what it became (its resident sees it among its steps)."""
    back = f"/admin/concerns#concern-{concern_id}"
    concern = await up.get(up.cobuilding, f"/concerns/{concern_id}")
    if concern["became"] is not None:
        return back_to(back, "refused_taken_up")  # made something already: no second need
    posted = await need_for_an_organization(up, form, concern["area_code"][:12])
    if (refused := refusal_of(posted)) is not None:
        return back_to(back, refused)
    became = {"kind": "need", "id": posted.json()["id"]}
    return await up.act(up.cobuilding, f"/concerns/{concern_id}/outcome", back, OutcomeCreate, became)


@router.post("/admin/concerns/{concern_id}/reply")
async def reply(concern_id: ItemId, visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    fields = {"text": str(form.get("text", "")).strip()}
    return await up.act(up.cobuilding, f"/concerns/{concern_id}/reply", "/admin/concerns", ConcernReply, fields)


@router.post("/admin/concerns")
async def submit_for_a_resident(
    visitor: AreaAdminIn, form: Posted, up: ServicesDep, photo: PhotoUpload = None
) -> RedirectResponse:
    """A grid worker puts a concern in for a resident of their area (named; the account is not needed)."""
    fields = {name: str(form.get(name, "")).strip() or None for name in (*FIELDS, "resident_name", "area_code")}
    return await _submitted(up, fields, photo, "/admin/concerns")


async def _submitted(
    up: ServicesDep, fields: dict[str, str | None], photo: UploadFile | None, back: str
) -> RedirectResponse:
    """The concern put in, then its photo (when one was chosen) added to it."""
    answer = await up.send(up.cobuilding, "/concerns", ConcernCreate, fields)
    if (refused := refusal_of(answer)) is not None:
        return back_to(back, refused)
    concern_id = answer.json()["id"]
    if photo is not None and photo.filename:
        added = await up.upload(up.cobuilding, f"/concerns/{concern_id}/photos", photo)
        if (refused := refusal_of(added)) is not None:
            return back_to(f"{back}#concern-{concern_id}", refused)
    return back_to(f"{back}#concern-{concern_id}", "saved")


def latest_first(concerns: list[dict[str, object]]) -> list[dict[str, object]]:
    return sorted(concerns, key=lambda c: str(c["submitted_at"]), reverse=True)
