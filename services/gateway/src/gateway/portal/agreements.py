"""The portal's co-building agreements (结对共建): an organisation's administrator proposes one to
a partner organisation of its street, with what each side commits (its meeting room every month
on the 7th, 19:00–21:00; four first-aid trainings a year); the partner signs; both follow every
commitment occurrence by occurrence and record what they kept; the community's administrators
follow their area's."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from contract.bodies.cobuilding import AgreementCreate, FulfilmentCreate, PartnerList
from gateway.portal.web import (
    AreaAdminIn,
    AreaFilter,
    ItemId,
    OrgAdminIn,
    OrgPersonIn,
    Posted,
    ServicesDep,
    render,
)

router = APIRouter(include_in_schema=False)
COMMITMENT_FIELDS = ("what", "repeat", "day", "weekday", "times_a_year", "starts", "ends", "venue_id")


@router.get("/org/agreements", response_class=HTMLResponse)
async def ours(request: Request, visitor: OrgPersonIn, up: ServicesDep) -> HTMLResponse:
    """The organisation's agreements, those waiting for its signature first; the form to propose
    one to an organisation of its street, with its own venues to commit."""
    organization_id = visitor.account.organization_id
    organization = await up.get(up.organizations, f"/organizations/{organization_id}")
    found, neighbours, venues = await asyncio.gather(
        up.get(up.cobuilding, "/agreements", {"limit": 100}),
        up.get(up.organizations, "/organizations", {"area": organization["area_code"][:9], "limit": 200}),
        up.get(up.resources, "/resources", {"organization_id": organization_id, "kind": "venue", "limit": 50}),
    )
    names = {o["id"]: o["name"] for o in neighbours["items"]} | {organization_id: organization["name"]}
    agreements = sorted(found["items"], key=lambda a: (organization_id in a["signed_by"], a["created_at"]))
    return await render(
        request,
        "agreements.html",
        visitor,
        agreements=agreements,
        names=names,
        partners=[o for o in neighbours["items"] if o["id"] != organization_id],
        venues=venues["items"],
        ours=organization_id,
    )


@router.post("/org/agreements")
async def propose(visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """An agreement with one partner: up to two commitments, each by this organisation or by the partner."""
    ours, partner = visitor.account.organization_id, str(form.get("partner", ""))
    fields: dict[str, Any] = {
        "title": str(form.get("title", "")).strip(),
        "parties": [ours, partner],
        "starts_on": str(form.get("starts_on", "")),
        "ends_on": str(form.get("ends_on", "")),
        "commitments": [c for n in (1, 2) if (c := _commitment(form, f"c{n}_", ours, partner)) is not None],
    }
    return await up.act(up.cobuilding, "/agreements", "/org/agreements", AgreementCreate, fields)


def _commitment(form: FormData, prefix: str, ours: str | None, partner: str) -> dict[str, Any] | None:
    """A commitment of the form (its fields named `prefix`…), or None when it says nothing."""
    values = {name: str(form.get(prefix + name, "")).strip() for name in COMMITMENT_FIELDS}
    if not values["what"]:
        return None
    by, to = (ours, partner) if form.get(prefix + "by") != "partner" else (partner, ours)
    return {"by_organization_id": by, "for_organization_id": to} | {k: v for k, v in values.items() if v}


@router.post("/org/agreements/{agreement_id}/sign")
async def sign(agreement_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    return await up.act(up.cobuilding, f"/agreements/{agreement_id}/sign", f"/org/agreements#agreement-{agreement_id}")


@router.post("/org/agreements/{agreement_id}/end")
async def end(agreement_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    return await up.act(up.cobuilding, f"/agreements/{agreement_id}/end", f"/org/agreements#agreement-{agreement_id}")


@router.post("/org/agreements/{agreement_id}/commitments/{commitment_id}/kept")
async def kept(
    agreement_id: ItemId, commitment_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    """A commitment kept on a day: a training given, a visit made."""
    fields = {"on": str(form.get("on", "")), "note": str(form.get("note", ""))}
    path = f"/agreements/{agreement_id}/commitments/{commitment_id}/fulfilments"
    return await up.act(up.cobuilding, path, f"/org/agreements#agreement-{agreement_id}", FulfilmentCreate, fields)


@router.get("/admin/agreements", response_class=HTMLResponse)
async def of_the_area(request: Request, visitor: AreaAdminIn, up: ServicesDep, area: AreaFilter = None) -> HTMLResponse:
    """The agreements of the administrator's area, each commitment with its occurrences; for a
    community's administrator, its neighbour partner list to keep, chosen among the street's
    organisations."""
    found = await up.get(up.cobuilding, "/agreements", {"area_code": area, "limit": 200})
    parties = {p for a in found["items"] for p in a["parties"]}
    known = await asyncio.gather(*(up.organizations.find(f"/organizations/{p}") for p in parties))
    names = {o["id"]: o["name"] for o in known if o}
    community = visitor.account.area_code or ""
    listed, candidates = None, []
    if len(community) == 12:
        listed, street = await asyncio.gather(
            up.get(up.cobuilding, f"/communities/{community}/partners"),
            up.get(up.organizations, "/organizations", {"area": community[:9], "limit": 200}),
        )
        candidates = street["items"]
    return await render(
        request,
        "admin_agreements.html",
        visitor,
        agreements=found["items"],
        names=names,
        listed=listed,
        candidates=candidates,
    )


@router.post("/admin/partners")
async def keep_the_list(visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """The community's neighbour partners (近邻合伙人), as ticked: the whole list."""
    fields = {"organization_ids": [str(o) for o in form.getlist("organization_id")]}
    path = f"/communities/{visitor.account.area_code}/partners"
    return await up.act(up.cobuilding, path, "/admin/agreements#neighbour-partners", PartnerList, fields, method="PUT")
