"""The portal's moves of a need and its claims, each by the one who takes it: an organisation's
people claim a need; the claimer starts or releases its claim; the posting organisation edits,
publishes, starts, fulfils or cancels its need and completes each claim with the person-times
it served; the posting organisation or an administrator of its area confirms it. The services
decide which organisation, member or area may; the portal also keeps the decisions to the
organisations' administrators, as for proposals and bookings. A move the need's state does not
allow comes back with the service's reason in the visitor's language."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from contract.bodies.needs import ClaimCreate, ClaimDone, NeedCreate, NeedEdit
from gateway.portal.accounts import Role
from gateway.portal.web import (
    ItemId,
    OrgAdminIn,
    OrgPersonIn,
    PortalRefusal,
    Posted,
    ServicesDep,
    SignedIn,
    form_time,
    number,
)
from gateway.upstreams import Answer

router = APIRouter(include_in_schema=False)


async def need_for_an_organization(up: ServicesDep, form: FormData, area_code: str) -> Answer:
    """A need an area's administrator posts for an organisation of the area (`organization_id`
    of the form: a joint meeting's decision, a resident's concern taken up), at its point."""
    organization = await up.organizations.find(f"/organizations/{form.get('organization_id', '')}")
    fields = {
        "organization_id": organization["id"] if organization else str(form.get("organization_id", "")),
        "title": str(form.get("title", "")).strip(),
        "description": str(form.get("description", "")),
        "category": str(form.get("category", "")),
        "area_code": area_code,
        "lat": organization.get("lat") if organization else None,
        "lon": organization.get("lon") if organization else None,
        "quantity": number(form.get("quantity", ""), 1),
        "deadline": form_time(str(form.get("deadline", ""))),
    }
    return await up.send(up.needs, "/needs", NeedCreate, {k: v for k, v in fields.items() if v is not None})


@router.post("/needs/{need_id}/claim")
async def claim(need_id: ItemId, visitor: OrgPersonIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Claims part of a need for the visitor's organisation."""
    quantity = number(form.get("quantity"), 1)
    return await up.act(up.needs, f"/needs/{need_id}/claims", f"/needs/{need_id}", ClaimCreate, {"quantity": quantity})


@router.post("/needs/{need_id}/claims/{claim_id}/{action}")
async def act_on_claim(
    need_id: ItemId,
    claim_id: ItemId,
    action: Literal["start", "release", "complete"],
    visitor: OrgPersonIn,
    form: Posted,
    up: ServicesDep,
) -> RedirectResponse:
    """The claimer starts or releases its claim; the poster's administrator completes it with the
    person-times served (the claim's quantity when the field is left empty)."""
    if action == "complete" and visitor.account.role is not Role.ORG_ADMIN:
        raise PortalRefusal(403, "forbidden")
    served = str(form.get("served", "")).strip()
    body, fields = (ClaimDone, {"served": served}) if action == "complete" and served else (None, None)
    path = f"/needs/{need_id}/claims/{claim_id}/{action}"
    return await up.act(up.needs, path, f"/needs/{need_id}", body, fields)


@router.post("/needs/{need_id}/edit")
async def edit(need_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """Changes the title, description, quantity or deadline of the organisation's need; those
    who claimed it see that it changed."""
    fields = {
        "title": str(form.get("title", "")).strip(),
        "description": str(form.get("description", "")),
        "quantity": str(form.get("quantity", "")) or None,
        "deadline": form_time(str(form.get("deadline", ""))),
    }
    return await up.act(up.needs, f"/needs/{need_id}", f"/needs/{need_id}", NeedEdit, fields, method="PATCH")


@router.post("/needs/{need_id}/{action}")
async def act_on_need(
    need_id: ItemId,
    action: Literal["publish", "start", "fulfil", "confirm", "cancel"],
    visitor: SignedIn,
    form: Posted,
    up: ServicesDep,
) -> RedirectResponse:
    """Publishes a draft, starts the work, reports it fulfilled, confirms it or cancels it: the
    organisation's administrators; an administrator of the need's area also confirms it."""
    deciders = (Role.ORG_ADMIN, Role.AREA_ADMIN) if action == "confirm" else (Role.ORG_ADMIN,)
    if visitor.account.role not in deciders:
        raise PortalRefusal(403, "forbidden")
    return await up.act(up.needs, f"/needs/{need_id}/{action}", f"/needs/{need_id}")
