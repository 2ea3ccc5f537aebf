"""The portal's micro-wishes (微心愿) past their posting: the wish wall, where an organisation's
people see residents' open wishes (their names masked) and claim one for their organisation;
the claimer's photo of the wish done; the resident, or the community worker who posted it for
them (亲情代办), seeing the photo and confirming; the thank-you letter (感谢信) to the claimer's
organisation. Posting for a resident is the area administrator's form here; a resident posts
their own on `/me`."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from contract.areas import covers
from contract.bodies.needs import WishClaimCreate, WishCreate
from contract.ids import new_id
from gateway.portal.accounts import Accounts
from gateway.portal.registrations import home_community, home_first
from gateway.portal.web import (
    AreaAdminIn,
    AreaFilter,
    ItemId,
    OrgPersonIn,
    Posted,
    ServicesDep,
    SignedIn,
    back_to,
    refusal_of,
    render,
)
from runtime.app import component

router = APIRouter(include_in_schema=False)


@router.get("/wishes", response_class=HTMLResponse)
async def wall(request: Request, visitor: OrgPersonIn, up: ServicesDep, area: AreaFilter = None) -> HTMLResponse:
    """The wish wall: open wishes to claim (of an area's subtree when one is chosen), those of
    the member's registered community first, and the wishes the visitor's organisation holds,
    with what to do next."""
    wall, ours, home = await asyncio.gather(
        up.get(up.needs, "/wishes", {"status": "open", "area_code": area, "limit": 50}),
        up.get(up.needs, "/wishes", {"limit": 50}),
        home_community(up),
    )
    shown = home_first(wall["items"], home)
    return await render(request, "wishes.html", visitor, wall=shown, ours=ours["items"], area=area or "")


@router.post("/wishes/{wish_id}/claim")
async def claim(wish_id: ItemId, visitor: OrgPersonIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Takes the wish on for the visitor's organisation (as the member the visitor is, if one)."""
    return await up.act(up.needs, f"/wishes/{wish_id}/claim", "/wishes", WishClaimCreate, {})


@router.post("/org/wishes/{wish_id}/release")
async def release(wish_id: ItemId, visitor: OrgPersonIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Lets the wish the visitor's organisation holds go back to the wall (the service checks it holds it)."""
    return await up.act(up.needs, f"/wishes/{wish_id}/release", "/wishes")


@router.post("/org/wishes/{wish_id}/proof")
async def prove(
    wish_id: ItemId,
    visitor: OrgPersonIn,
    form: Posted,
    up: ServicesDep,
    photo: Annotated[UploadFile, File()],
) -> RedirectResponse:
    """The photo that shows the wish done, passed on to the needs service, which checks it."""
    answer = await up.upload(up.needs, f"/wishes/{wish_id}/proof", photo)
    return back_to("/wishes", refusal_of(answer) or "saved")


@router.get("/wishes/{wish_id}/proof")
async def proof(wish_id: ItemId, visitor: SignedIn, up: ServicesDep) -> Response:
    """The proof photo, for those who may see the wish."""
    return await up.photo(up.needs, f"/wishes/{wish_id}/proof")


@router.get("/wishes/{wish_id}/thank-you", response_class=HTMLResponse)
async def letter(wish_id: ItemId, visitor: SignedIn, up: ServicesDep) -> HTMLResponse:
    """The thank-you letter to the organisation that fulfilled the wish, to print."""
    answer = await up.needs.call("GET", f"/wishes/{wish_id}/thank-you", headers=up.headers())
    if answer.status_code != 200:
        return HTMLResponse(status_code=404)
    return HTMLResponse(answer.content)


@router.post("/admin/wishes")
async def post_for_a_resident(request: Request, visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> Response:
    """亲情代办: a community worker posts a wish for a resident of their area, who may have no
    account (the wish then belongs to a resident the community knows by name only)."""
    username = str(form.get("username", "")).strip()
    account = await component(request, Accounts).resident(username) if username else None
    own = visitor.account.area_code or ""
    if username and (account is None or not covers(own, account.area_code or "")):
        return back_to("/admin", "refused_no_such_resident")  # no resident of the worker's area by that name
    fields = {
        "resident_id": account.id if account else new_id(),
        "resident_name": account.name if account else str(form.get("resident_name", "")).strip(),
        "area_code": account.area_code if account else str(form.get("area_code", "")).strip() or own,
        "title": str(form.get("title", "")).strip(),
        "description": str(form.get("description", "")),
        "category": str(form.get("category", "")),
    }
    return await up.act(up.needs, "/wishes", "/admin", WishCreate, fields)


@router.post("/admin/wishes/{wish_id}/{action}")
async def act_for_a_resident(
    wish_id: ItemId, action: Literal["confirm", "cancel"], visitor: AreaAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    """The community worker confirms a wish done (or withdraws it) for the resident."""
    return await up.act(up.needs, f"/wishes/{wish_id}/{action}", "/admin")
