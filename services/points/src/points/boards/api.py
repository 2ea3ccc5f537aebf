"""The standings' routes: leaderboards (public, members by id only) and the annual assessment
(an organisation's or an area's administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contract.events.points import Unit
from points.boards.service import Boards, Period, Ranked
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.pagination import Limit
from runtime.params import IdQuery

router = APIRouter(tags=["standings"])

BoardsDep = Annotated[Boards, Depends(provided(Boards))]
Node = Annotated[
    str | None,
    Query(
        pattern=r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$",
        description="a city, district (6 digits), street (9) or community (12); none: everywhere",
    ),
]
Of = Annotated[
    str | None, Query(max_length=7, description="which month (`2026-12`) or year (`2026`); none: the current one")
]


@router.get("/leaderboard")
async def leaderboard(
    boards: BoardsDep,
    area_code: Node = None,
    period: Period = Period.ALL,
    of: Of = None,
    kind: Ranked = Ranked.ORGANIZATION,
    unit: Unit = Unit.POINTS,
    limit: Limit = 20,
) -> dict[str, Any]:
    """Who received the most points (or minutes) for work done in an area in a month, a year or
    all time, the most first: organisations where they are registered, members where the work
    was done (or, when it names no place, where their organisation is), named by id only; public."""
    return boards.leaderboard(area_code=area_code, period=period, of=of, kind=kind, unit=unit, limit=limit)


@router.get("/assessment")
async def assessment(
    boards: BoardsDep,
    actor: ActorDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    area_code: Node = None,
    organization_id: IdQuery = None,
) -> dict[str, Any]:
    """The annual assessment: each member's points, hours (`h:mm`), claims completed and
    activities attended in a year (the current one by default), the most points first. For an
    organisation itself (its members), an area's administrator (the members of the organisations
    registered in their area, or in a node below it, or of one such organisation) and the
    platform; 403 for anyone else."""
    return await boards.assessment(actor, year=year, area_code=area_code, organization_id=organization_id)
