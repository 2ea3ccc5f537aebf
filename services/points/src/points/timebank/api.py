"""The time bank's routes: a resident or member asks, takes, confirms or cancels; a community's
administrator grants minutes and sets the community's allowed overdraft. Every route needs a
signed caller, and each says whom it is for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from contract.bodies.points import AskCreate, AskTake, GrantCreate, OverdraftSet
from points.timebank.models import Ask, Grant
from points.timebank.service import Timebank
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.pagination import Limit
from runtime.params import AreaPath, AreaQuery, IdPath

router = APIRouter(prefix="/timebank", tags=["timebank"])

TimebankDep = Annotated[Timebank, Depends(provided(Timebank))]


class Overdraft(BaseModel):
    area_code: str
    overdraft: int  # minutes below zero the community's people may go


def _now() -> datetime:
    return datetime.now(UTC)


@router.post("/asks", status_code=201, response_model=Ask)
async def ask(body: AskCreate, timebank: TimebankDep, actor: ActorDep) -> Ask:
    """A resident or member asks for a service paid in minutes, held from their account at once
    (409 `insufficient_balance` when it cannot pay; 403 for anyone but a resident or member)."""
    return await timebank.ask(actor, body, _now())


@router.get("/asks", response_model=list[Ask])
async def open_asks(
    timebank: TimebankDep, actor: ActorDep, area_code: AreaQuery = None, limit: Limit = 50
) -> list[Ask]:
    """The asks waiting for someone to serve them, of an area's communities (the caller's own
    area if none is named), the latest first; for any signed-in caller."""
    return await timebank.open_asks(actor, area_code, limit)


@router.get("/asks/mine", response_model=list[Ask])
async def mine(timebank: TimebankDep, actor: ActorDep, limit: Limit = 50) -> list[Ask]:
    """The asks the acting resident or member made or took, the latest first."""
    return await timebank.mine(actor, limit)


@router.post("/asks/{ask_id}/take", response_model=Ask)
async def take(ask_id: IdPath, body: AskTake, timebank: TimebankDep, actor: ActorDep) -> Ask:
    """Another resident or member takes an open ask (409 once taken, or for one's own)."""
    return await timebank.take(actor, ask_id, body.name, _now())


@router.post("/asks/{ask_id}/confirm", response_model=Ask)
async def confirm(ask_id: IdPath, timebank: TimebankDep, actor: ActorDep) -> Ask:
    """The asker confirms a taken ask done: its minutes go to whoever served (403 for anyone else)."""
    return await timebank.confirm(actor, ask_id, _now())


@router.post("/asks/{ask_id}/cancel", response_model=Ask)
async def cancel(ask_id: IdPath, timebank: TimebankDep, actor: ActorDep) -> Ask:
    """The asker cancels an ask not yet done: its minutes come back (403 for anyone else)."""
    return await timebank.cancel(actor, ask_id, _now())


@router.post("/grants", status_code=201, response_model=Grant)
async def grant(body: GrantCreate, timebank: TimebankDep, actor: ActorDep) -> Grant:
    """A community's administrator (or one above it) grants minutes to a person who cannot earn
    them, with the reason (403 for anyone else)."""
    return await timebank.grant(actor, body, _now())


@router.get("/areas/{area_code}/grants", response_model=list[Grant])
async def grants(area_code: AreaPath, timebank: TimebankDep, actor: ActorDep, limit: Limit = 50) -> list[Grant]:
    """The minutes granted in an area, the latest first; for its administrators."""
    return await timebank.grants(actor, area_code, limit)


@router.get("/areas/{area_code}/overdraft", response_model=Overdraft)
async def overdraft(area_code: AreaPath, timebank: TimebankDep, actor: ActorDep) -> Overdraft:
    """How far below zero the community lets its people go to ask (0 unless set); any signed-in caller."""
    return Overdraft(area_code=area_code, overdraft=await timebank.overdraft(area_code))


@router.put("/areas/{area_code}/overdraft", response_model=Overdraft)
async def set_overdraft(area_code: AreaPath, body: OverdraftSet, timebank: TimebankDep, actor: ActorDep) -> Overdraft:
    """The community's administrator sets its allowed overdraft (403 for anyone else)."""
    return Overdraft(area_code=area_code, overdraft=await timebank.set_overdraft(actor, area_code, body.overdraft))
