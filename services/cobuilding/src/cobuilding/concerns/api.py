"""The red mailbox's routes. Who may call each: a resident (their own concerns) and the
administrators of a concern's area (grid workers, the community, the street, the district, the
city); no organisation, partner or anonymous caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Response, UploadFile

from cobuilding.concerns.models import Concern
from cobuilding.concerns.service import Concerns, Figures
from contract.bodies.cobuilding import ConcernCreate, ConcernRating, ConcernReply, OutcomeCreate
from contract.events.cobuilding import ConcernStatus
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import AreaQuery, IdPath

router = APIRouter(tags=["red mailbox"])

ConcernsDep = Annotated[Concerns, Depends(provided(Concerns))]


@router.post("/concerns", status_code=201, response_model=Concern)
async def submit(body: ConcernCreate, concerns: ConcernsDep, actor: ActorDep) -> Concern:
    """A concern, suggestion or complaint, to the resident's community: it must reply within
    the time to reply (3 working days) or the street must, then the district."""
    return await concerns.submit(body, actor)


@router.get("/concerns", response_model=Page[Concern])
async def list_concerns(
    concerns: ConcernsDep,
    actor: ActorDep,
    status: ConcernStatus | None = None,
    area_code: AreaQuery = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """A resident's own concerns; an administrator's area's, or one area's below it."""
    found = await concerns.page(actor, status=status, area_code=area_code, after=cursor, limit=limit)
    return page_of(found, limit)


@router.get("/concerns/figures", response_model=list[Figures])
async def figures(concerns: ConcernsDep, actor: ActorDep, area_code: AreaQuery = None) -> list[Figures]:
    """Per community of the administrator's area: received, answered in time, escalated, satisfaction."""
    return await concerns.figures(actor, area_code)


@router.get("/concerns/{concern_id}", response_model=Concern)
async def get_concern(concern_id: IdPath, concerns: ConcernsDep, actor: ActorDep) -> Concern:
    return await concerns.get(concern_id, actor)


@router.post("/concerns/{concern_id}/photos", response_model=Concern)
async def add_photo(
    concern_id: IdPath,
    concerns: ConcernsDep,
    actor: ActorDep,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP")],
) -> Concern:
    """A photo of what the concern is about (3 at most), by whoever put it in, while it waits for its reply."""
    return await concerns.add_photo(concern_id, await photo.read(concerns.max_photo_bytes + 1), actor)


@router.get("/concerns/{concern_id}/photos/{digest}")
async def get_photo(
    concern_id: IdPath,
    digest: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")],
    concerns: ConcernsDep,
    actor: ActorDep,
) -> Response:
    content, content_type = await concerns.photo(concern_id, digest, actor)
    return Response(content, media_type=content_type)


@router.post("/concerns/{concern_id}/reply", response_model=Concern)
async def reply(concern_id: IdPath, body: ConcernReply, concerns: ConcernsDep, actor: ActorDep) -> Concern:
    """The answer, by an administrator of the concern's community or of an area above it; 409 once answered."""
    return await concerns.reply(concern_id, body, actor)


@router.post("/concerns/{concern_id}/outcome", response_model=Concern)
async def turned_into(concern_id: IdPath, body: OutcomeCreate, concerns: ConcernsDep, actor: ActorDep) -> Concern:
    """The need (or project) an administrator of the concern's area made of it; once."""
    return await concerns.turn_into(concern_id, body, actor)


@router.post("/concerns/{concern_id}/rate", response_model=Concern)
async def rate(concern_id: IdPath, body: ConcernRating, concerns: ConcernsDep, actor: ActorDep) -> Concern:
    """The resident's stars for the answer (5: very satisfied); once."""
    return await concerns.rate(concern_id, body, actor)
