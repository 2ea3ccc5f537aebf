"""The check-in routes: a member or resident checks in or out with a scanned code; an
organisation's administrator gets the code of the minute to show, lists the attendance and
corrects it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from contract.bodies.points import AttendanceCorrection, CheckinScan
from contract.events.points import AttendedKind, CheckinDirection
from points.attendance.models import Attendance, Correction, Settlement
from points.attendance.service import Attendances
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.params import IdPath

router = APIRouter(tags=["attendance"])

AttendancesDep = Annotated[Attendances, Depends(provided(Attendances))]


class AttendanceOut(BaseModel):
    id: str
    kind: AttendedKind
    attended_id: str
    person: str
    organization_id: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    absent: bool
    corrections: list[Correction]
    earned: Settlement


class CheckedOut(BaseModel):
    """What a scan did: the way it went, and the attendance as it now stands."""

    direction: CheckinDirection
    title: str | None
    attendance: AttendanceOut


def _out(record: Attendance) -> AttendanceOut:
    return AttendanceOut(**record.model_dump(exclude={"settled", "version"}), earned=record.earned)


@router.post("/checkins", response_model=CheckedOut)
async def scan(body: CheckinScan, attendances: AttendancesDep, actor: ActorDep) -> CheckedOut:
    """A member or resident checks in (or out) with the code of an organiser's QR code; 403
    `forged` for a code not signed by this platform, 409 with the `reason` (`expired`,
    `replayed`, `not_checked_in`, `cancelled`, `not_running`) for one refused."""
    record, direction = await attendances.scan(body, actor)
    attended = await attendances.get(record.kind, record.attended_id)
    return CheckedOut(direction=direction, title=attended.title, attendance=_out(record))


@router.get("/attendance/{kind}/{attended_id}/code")
async def code(
    kind: AttendedKind,
    attended_id: IdPath,
    attendances: AttendancesDep,
    actor: ActorDep,
    direction: CheckinDirection = CheckinDirection.IN,
) -> dict[str, object]:
    """The check-in (or check-out) code of this minute, good in the next minute too: for an
    administrator of the organiser (of a claim: of the claimer or the need's poster)."""
    return await attendances.code(kind, attended_id, direction, actor)


@router.get("/attendance/{kind}/{attended_id}", response_model=list[AttendanceOut])
async def attendance(
    kind: AttendedKind, attended_id: IdPath, attendances: AttendancesDep, actor: ActorDep
) -> list[AttendanceOut]:
    """Who checked in and out, with the corrections and what each earned: for the organisers'
    administrators and a city's administrators."""
    return [_out(r) for r in await attendances.attendance(kind, attended_id, actor)]


@router.post("/attendance/{kind}/{attended_id}/corrections", response_model=AttendanceOut)
async def correct(
    kind: AttendedKind, attended_id: IdPath, body: AttendanceCorrection, attendances: AttendancesDep, actor: ActorDep
) -> AttendanceOut:
    """An organiser's administrator sets a person's times or marks them absent, with the
    reason (kept with who and when); what it earns changes by the difference only."""
    return _out(await attendances.correct(kind, attended_id, body, actor))
