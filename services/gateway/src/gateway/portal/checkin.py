"""QR check-in on the portal. An organisation's administrator opens the check-in page of an
activity (or of a claim's work on site): a QR code of this minute's code, renewed as the page
refreshes itself, for check-in or check-out, and the attendance with a form to correct it. A
member or resident scans the QR code with their phone's camera: it opens `/checkin?c=...`
here, signs them in first if need be, checks them in (or out) and says what happened, or why
not (the points service signs, checks and records; the portal only shows)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from contract.bodies.points import AttendanceCorrection, CheckinScan
from contract.events.points import AttendedKind, CheckinDirection
from gateway.portal.web import (
    ItemId,
    OrgAdminIn,
    Posted,
    ServicesDep,
    SignedIn,
    form_time,
    form_values,
    language,
    refusal_of,
    render,
    said,
)

router = APIRouter(include_in_schema=False)

REFRESH_SECONDS = 20  # a code is good in its minute and the next: the QR shown is never stale
CodeParam = Annotated[str, Query(alias="c", min_length=1, max_length=200)]


def checkin_url(request: Request, code: str) -> str:
    """The portal URL the QR code carries: scanned with a phone's camera, it opens the check-in page."""
    return f"{str(request.base_url).rstrip('/')}/checkin?{urlencode({'c': code})}"


def qr_image(url: str) -> str:
    """The QR code of `url`, as an SVG data URI (the page's policy allows `data:` images only)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=6, border=2))


@router.get("/org/checkin/{kind}/{attended_id}", response_class=HTMLResponse)
async def organiser_page(
    kind: AttendedKind,
    attended_id: ItemId,
    request: Request,
    visitor: OrgAdminIn,
    up: ServicesDep,
    direction: CheckinDirection = CheckinDirection.IN,
) -> HTMLResponse:
    """The QR code of this minute for checking in (or out), and who has."""
    base = f"/attendance/{kind.value}/{attended_id}"
    code, attendance = await asyncio.gather(
        up.get(up.points, f"{base}/code", {"direction": direction.value}), up.get(up.points, base)
    )
    url = checkin_url(request, code["code"])
    return await render(
        request,
        "checkin_qr.html",
        visitor,
        kind=kind.value,
        attended_id=attended_id,
        direction=direction.value,
        code=code,
        url=url,
        qr=qr_image(url),
        attendance=attendance,
        refresh=REFRESH_SECONDS,
    )


@router.get("/org/attendance/{kind}/{attended_id}", response_class=HTMLResponse)
async def attendance_page(
    kind: AttendedKind, attended_id: ItemId, request: Request, visitor: OrgAdminIn, up: ServicesDep
) -> HTMLResponse:
    """Who checked in and out, with the corrections made and a form to make one (this page
    does not refresh itself, so a correction is not lost while it is written)."""
    attendance = await up.get(up.points, f"/attendance/{kind.value}/{attended_id}")
    return await render(
        request, "attendance.html", visitor, kind=kind.value, attended_id=attended_id, attendance=attendance
    )


@router.post("/org/checkin/{kind}/{attended_id}/corrections")
async def correct(
    kind: AttendedKind, attended_id: ItemId, visitor: OrgAdminIn, form: Posted, up: ServicesDep
) -> RedirectResponse:
    """Corrects one person's attendance: the times as they were, or absent, with the reason."""
    values = form_values(form, "person", "checked_in_at", "checked_out_at", "reason")
    absent = form.get("absent") == "on"
    fields: dict[str, Any] = {"person": values["person"], "reason": values["reason"], "absent": absent}
    if not absent:
        fields["checked_in_at"] = form_time(values["checked_in_at"])
        fields["checked_out_at"] = form_time(values["checked_out_at"])
    back = f"/org/attendance/{kind.value}/{attended_id}"
    return await up.act(
        up.points, f"/attendance/{kind.value}/{attended_id}/corrections", back, AttendanceCorrection, fields
    )


@router.get("/checkin", response_class=HTMLResponse)
async def scanned(request: Request, visitor: SignedIn, up: ServicesDep, c: CodeParam) -> HTMLResponse:
    """Opened by scanning an organiser's QR code: checks the visitor in or out, and says so or
    why not (a forged, expired or already used code, an activity called off or not running).
    The code itself, signed and good for a minute or two, is what makes the request one the
    visitor meant."""
    response = await up.send(up.points, "/checkins", CheckinScan, {"code": c})
    if (refusal := refusal_of(response)) is not None:
        reason = _reason(response.json() if response.status_code < 500 else {})
        message = said(refusal, language(request))
        return await render(
            request,
            "checkin.html",
            visitor,
            done=None,
            refused_reason=reason,
            message=message,
            status_code=response.status_code,
        )
    return await render(request, "checkin.html", visitor, done=response.json(), refused_reason=None, message=None)


def _reason(answer: dict[str, Any]) -> str | None:
    """Why the points service refused a scan, when it says (`forged`, `expired`, `replayed`, ...)."""
    error = answer.get("error") if isinstance(answer, dict) else None
    reason = error.get("reason") if isinstance(error, dict) else None
    return str(reason) if reason in REASONS else None


REASONS = ("forged", "expired", "replayed", "not_checked_in", "cancelled", "not_running")
