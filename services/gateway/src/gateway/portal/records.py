"""A person's points and volunteer hours in the portal: their balance and postings with causes
(`/me/points`), the organisations they let read their balance (consents), their volunteer
record of a period (`/me/record`), its printable certificate with a verification code and its
QR, and the public page that checks such a code (`/verify/{code}`, no sign-in)."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from gateway.portal.points import names_of, person_account
from gateway.portal.web import (
    CST,
    AccountHolderIn,
    ItemId,
    PageCursor,
    PortalRefusal,
    Posted,
    ServicesDep,
    Visitor,
    language,
    refusal_of,
    render,
)

router = APIRouter(include_in_schema=False)

Day = Annotated[date | None, Query()]
CODE_PATTERN = r"^[A-Za-z0-9_-]{16,1200}\.[A-Za-z0-9_-]{22}$"  # as the points service checks it


def _period(since: date | None, until: date | None) -> dict[str, str]:
    """The period asked for, this year up to today unless said."""
    today = datetime.now(CST).date()
    return {"since": (since or today.replace(month=1, day=1)).isoformat(), "until": (until or today).isoformat()}


@router.get("/me/points", response_class=HTMLResponse)
async def my_points(
    request: Request,
    visitor: AccountHolderIn,
    up: ServicesDep,
    cursor: PageCursor = None,
    partner: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """The person's points and hours, their postings a page at a time (each with its cause, where,
    through which organisation, on what), and the organisations they let read their balance;
    with `partner`, the organisations of that name to give leave to."""
    account = person_account(visitor)
    balance, postings, consents = await asyncio.gather(
        up.get(up.points, f"/accounts/{account}/balance"),
        up.get(up.points, f"/accounts/{account}/postings", {"limit": 20, "cursor": cursor}),
        up.get(up.points, f"/accounts/{account}/consents"),
    )
    found = []
    if partner:
        found = (await up.get(up.organizations, "/organizations", {"name": partner, "limit": 10}))["items"]
    return await render(
        request,
        "my_points.html",
        visitor,
        account=account,
        balance=balance,
        postings=postings["items"],
        next_cursor=postings.get("next_cursor"),
        names=await names_of(up, postings["items"], language(request)),
        consents=consents,
        partner=partner or "",
        found=found,
    )


@router.post("/me/points/consents/{organization_id}")
async def give_consent(
    organization_id: ItemId, visitor: AccountHolderIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    """Lets the organisation read the person's balance through the partner API."""
    account = person_account(visitor)
    return await up.act(up.points, f"/accounts/{account}/consents/{organization_id}", "/me/points", method="PUT")


@router.post("/me/points/consents/{organization_id}/withdraw")
async def withdraw_consent(
    organization_id: ItemId, visitor: AccountHolderIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    """Takes the organisation's leave back."""
    account = person_account(visitor)
    return await up.act(up.points, f"/accounts/{account}/consents/{organization_id}", "/me/points", method="DELETE")


@router.get("/me/record", response_class=HTMLResponse)
async def my_record(
    request: Request, visitor: AccountHolderIn, up: ServicesDep, since: Day = None, until: Day = None
) -> HTMLResponse:
    """The person's volunteer record of a period: each service with what, where, when, how long
    and the organisation that recorded it, and the totals; with a link to its certificate."""
    period = _period(since, until)
    record = await up.get(up.points, f"/accounts/{person_account(visitor)}/record", period)
    names = await names_of(up, record["services"], language(request))
    return await render(request, "record.html", visitor, record=record, names=names, period=period)


@router.get("/me/record/certificate", response_class=HTMLResponse)
async def my_certificate(
    request: Request, visitor: AccountHolderIn, up: ServicesDep, since: Day = None, until: Day = None
) -> HTMLResponse:
    """The printable certificate of the period's record, in the person's name, with its
    verification code and the QR of the public page that checks it."""
    asked = {"name": visitor.account.name, **_period(since, until)}
    response = await up.points.call(
        "POST", f"/accounts/{person_account(visitor)}/certificates", json=asked, headers=up.headers()
    )
    if error := refusal_of(response):
        raise PortalRefusal(response.status_code, error)
    certificate: dict[str, Any] = response.json()
    url = str(request.url_for("verify_page", code=certificate["code"]))
    qr = segno.make(url, error="m").svg_data_uri(scale=3, border=2)
    names = await names_of(up, certificate["record"]["services"], language(request))
    return await render(request, "certificate.html", visitor, certificate=certificate, url=url, qr=qr, names=names)


@router.get("/verify/{code}", response_class=HTMLResponse, name="verify_page")
async def verify_page(
    request: Request, visitor: Visitor, code: Annotated[str, Path(max_length=1300)], up: ServicesDep
) -> HTMLResponse:
    """What a certificate's verification code certifies, for anyone (no sign-in): the volunteer's
    name, the period, the services and hours, the day it was issued; a code not issued here or
    changed since is refused (422), saying it is not valid."""
    if re.fullmatch(CODE_PATTERN, code) is None:
        return await render(request, "verify.html", visitor, certified=None, status_code=422)
    response = await up.points.call("GET", f"/certificates/{code}")
    if response.status_code >= 500:
        raise PortalRefusal(response.status_code, "refused|HTTP 502")
    if response.status_code >= 400:
        return await render(request, "verify.html", visitor, certified=None, status_code=response.status_code)
    return await render(request, "verify.html", visitor, certified=response.json())
