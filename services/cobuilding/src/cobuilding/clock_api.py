"""The test clock: the platform moves the service's time on and escalations fall due at once.
Mounted only outside production (`main.create_app`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from cobuilding.clock import Clock
from cobuilding.concerns.service import Concerns
from contract.errors import Forbidden
from runtime.actors import ActorDep, ActorKind
from runtime.app import provided

router = APIRouter(tags=["test clock"])


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours: float = Field(gt=0, le=24 * 366)


class Moved(BaseModel):
    now: datetime
    escalated: int


@router.post("/clock", response_model=Moved)
async def advance(
    body: Advance,
    actor: ActorDep,
    clock: Annotated[Clock, Depends(provided(Clock))],
    concerns: Annotated[Concerns, Depends(provided(Concerns))],
) -> Moved:
    """Moves the service's time on by `hours` and escalates what fell due (not in production)."""
    if actor.kind is not ActorKind.PLATFORM:
        raise Forbidden("the test clock is the platform's")
    return Moved(now=clock.advance(timedelta(hours=body.hours)), escalated=await concerns.sweep())
