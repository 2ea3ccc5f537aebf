"""Ratings (评价) in the portal: the side that received help rates it from its own page (an
organisation's dashboard, a resident's page, the administrator's for wishes posted for
residents); each organisation's public page shows its ratings, where its administrators answer
once and an administrator of its area hides an abusive comment (the stars stay)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contract.bodies.needs import EvaluationAnswer, EvaluationCreate, EvaluationHide
from gateway.portal.accounts import Role
from gateway.portal.web import (
    AreaAdminIn,
    ItemId,
    OrgAdminIn,
    PortalRefusal,
    Posted,
    ServicesDep,
    SignedIn,
    Visitor,
    render,
    safe_next,
)

router = APIRouter(include_in_schema=False)


async def to_rate(up: ServicesDep) -> list[Any]:
    """What the visitor received and may still rate, for their page."""
    waiting: list[Any] = await up.get(up.needs, "/evaluations/waiting", {"limit": 20})
    return waiting


@router.post("/ratings/{evaluation_id}/give")
async def give(evaluation_id: ItemId, visitor: SignedIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """A resident rates help they received; an organisation's administrators the help it
    received; an area's administrators a wish they posted for a resident (the service checks
    it is theirs to rate)."""
    if visitor.account.role is Role.MEMBER:
        raise PortalRefusal(403, "forbidden")
    fields = {
        "stars": str(form.get("stars", "")),
        "comment": str(form.get("comment", "")).strip(),
        "tags": [str(tag) for tag in form.getlist("tags")],
    }
    back = safe_next(str(form.get("back", "")), "/")
    return await up.act(up.needs, f"/evaluations/{evaluation_id}/give", back, EvaluationCreate, fields)


@router.post("/ratings/{evaluation_id}/answer")
async def answer(evaluation_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """The rated organisation's administrators answer a rating, once."""
    back = f"/organizations/{visitor.account.organization_id}"
    fields = {"text": str(form.get("text", "")).strip()}
    return await up.act(up.needs, f"/evaluations/{evaluation_id}/answer", back, EvaluationAnswer, fields)


@router.post("/ratings/{evaluation_id}/hide")
async def hide(evaluation_id: ItemId, visitor: AreaAdminIn, form: Posted, up: ServicesDep) -> RedirectResponse:
    """An administrator of the rated organisation's area hides a comment (the service checks the area)."""
    rating = await up.get(up.needs, f"/evaluations/{evaluation_id}")
    fields = {"reason": str(form.get("reason", "")).strip()}
    back = f"/organizations/{rating['organization_id']}"
    return await up.act(up.needs, f"/evaluations/{evaluation_id}/hide", back, EvaluationHide, fields)


@router.get("/organizations/{organization_id}", response_class=HTMLResponse)
async def organization_page(
    organization_id: ItemId, request: Request, visitor: Visitor, up: ServicesDep
) -> HTMLResponse:
    """An organisation as anyone sees it: who it is, and how the help it gave was rated."""
    organization, summary, ratings = await asyncio.gather(
        up.get(up.organizations, f"/organizations/{organization_id}"),
        up.get(up.needs, "/evaluations/summary", {"organization_id": organization_id}),
        up.get(up.needs, "/evaluations/recent", {"organization_id": organization_id, "limit": 20}),
    )
    return await render(
        request, "organization.html", visitor, organization=organization, summary=summary, ratings=ratings
    )
