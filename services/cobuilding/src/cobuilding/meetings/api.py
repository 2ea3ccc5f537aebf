"""The routes of joint meetings (联席会议): an area administrator's only, for their area."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from cobuilding.meetings.models import Meeting
from cobuilding.meetings.service import Meetings
from contract.bodies.cobuilding import MeetingCreate, MeetingRecord, OutcomeCreate
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import IdPath

router = APIRouter(tags=["joint meetings"])

MeetingsDep = Annotated[Meetings, Depends(provided(Meetings))]


@router.post("/meetings", status_code=201, response_model=Meeting)
async def draft(body: MeetingCreate, meetings: MeetingsDep, actor: ActorDep) -> Meeting:
    """The next joint meeting of a community's (or street's) neighbour partners, its agenda drafted
    from what is stuck there: needs unclaimed past half their time, overdue needs, wishes waiting
    a week, commitments missed, concerns escalated; each with the partners best placed to take it."""
    return await meetings.draft(body, actor)


@router.get("/meetings", response_model=Page[Meeting])
async def list_meetings(
    meetings: MeetingsDep, actor: ActorDep, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    return page_of(await meetings.page(actor, after=cursor, limit=limit), limit)


@router.get("/meetings/{meeting_id}", response_model=Meeting)
async def get_meeting(meeting_id: IdPath, meetings: MeetingsDep, actor: ActorDep) -> Meeting:
    return await meetings.get(meeting_id, actor)


@router.post("/meetings/{meeting_id}/record", response_model=Meeting)
async def record(meeting_id: IdPath, body: MeetingRecord, meetings: MeetingsDep, actor: ActorDep) -> Meeting:
    """Who came, the minutes, and each item's decision and who took it on."""
    return await meetings.record(meeting_id, body, actor)


@router.post("/meetings/{meeting_id}/items/{item_id}/outcome", response_model=Meeting)
async def outcome(
    meeting_id: IdPath, item_id: IdPath, body: OutcomeCreate, meetings: MeetingsDep, actor: ActorDep
) -> Meeting:
    """What the item became: the need (claim, project) made of its decision; once."""
    return await meetings.outcome(meeting_id, item_id, body, actor)
