"""双报到's routes: a member declares and sees their registrations; a community's administrator
sees those waiting and decides; an organisation's administrators (and a city's) read the
monthly report, as JSON or XLSX."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from contract.bodies.points import RegistrationCreate
from contract.errors import Unprocessable
from points.registrations.models import Registration
from points.registrations.report import MONTH_PATTERN, Month, Report, workbook
from points.registrations.service import Registrations
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.pagination import Limit
from runtime.params import IdPath

router = APIRouter(tags=["registrations"])

RegistrationsDep = Annotated[Registrations, Depends(provided(Registrations))]
MonthQuery = Annotated[str, Query(pattern=MONTH_PATTERN, description="the city's calendar month, YYYY-MM")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/registrations", status_code=201, response_model=Registration)
async def declare(body: RegistrationCreate, registrations: RegistrationsDep, actor: ActorDep) -> Registration:
    """A member declares the community where they live (双报到); its administrator decides. Only
    a member acting for their organisation (403 for anyone else)."""
    return await registrations.declare(actor, body.community_code, body.name, datetime.now(UTC))


@router.get("/registrations/mine", response_model=list[Registration])
async def mine(registrations: RegistrationsDep, actor: ActorDep) -> list[Registration]:
    """The acting member's registrations, the latest declared first (403 for anyone but a member)."""
    return await registrations.mine(actor)


@router.get("/registrations/waiting", response_model=list[Registration])
async def waiting(registrations: RegistrationsDep, actor: ActorDep, limit: Limit = 50) -> list[Registration]:
    """The registrations waiting for the acting area administrator, of the communities they
    administer, the earliest declared first (403 for anyone else)."""
    return await registrations.waiting(actor, limit)


@router.post("/registrations/{registration_id}/accept", response_model=Registration)
async def accept(registration_id: IdPath, registrations: RegistrationsDep, actor: ActorDep) -> Registration:
    """The community's administrator (or one above it) accepts a registration waiting: it is the
    member's from now on, ending the one before (403 for anyone else, 409 once decided)."""
    return await registrations.decide(actor, registration_id, accept=True, at=datetime.now(UTC))


@router.post("/registrations/{registration_id}/decline", response_model=Registration)
async def decline(registration_id: IdPath, registrations: RegistrationsDep, actor: ActorDep) -> Registration:
    """The community's administrator (or one above it) declines a registration waiting."""
    return await registrations.decide(actor, registration_id, accept=False, at=datetime.now(UTC))


async def _report(organization_id: str, month: str, registrations: Registrations, actor: ActorDep) -> Report:
    try:
        chosen = Month(month)
    except ValueError as exc:
        raise Unprocessable(str(exc), field="month") from None
    return await registrations.report(actor, organization_id, chosen)


@router.get("/organizations/{organization_id}/registration-report", response_model=Report)
async def report(
    organization_id: IdPath, month: MonthQuery, registrations: RegistrationsDep, actor: ActorDep
) -> Report:
    """The month's 双报到 report of a Party organisation: each member registered in a community,
    the hours (to the minute) credited for work done there, and on what; for the organisation's
    administrators and a city's administrators (403 for anyone else)."""
    return await _report(organization_id, month, registrations, actor)


@router.get("/organizations/{organization_id}/registration-report.xlsx", response_class=Response)
async def report_xlsx(
    organization_id: IdPath, month: MonthQuery, registrations: RegistrationsDep, actor: ActorDep
) -> Response:
    """The same report as an XLSX file, for the same callers."""
    found = await _report(organization_id, month, registrations, actor)
    filename = f"registration-report-{month}.xlsx"
    return Response(
        workbook(found), media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
