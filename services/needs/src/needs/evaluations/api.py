"""The rating routes: what the caller has still to rate, rating, answering, hiding a comment,
and an organisation's ratings (public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from contract.bodies.needs import EvaluationAnswer, EvaluationCreate, EvaluationHide
from contract.schemas import ID_PATTERN
from needs.evaluations.schemas import EvaluationOut, shown
from needs.evaluations.service import Evaluations
from runtime.actors import ActorDep, MaybeActor
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of

router = APIRouter(tags=["ratings"])

EvaluationsDep = Annotated[Evaluations, Depends(provided(Evaluations))]
OrganizationQuery = Annotated[str, Query(pattern=ID_PATTERN, description="the organisation rated")]


@router.get("/evaluations/waiting", response_model=list[EvaluationOut])
async def waiting(evaluations: EvaluationsDep, actor: ActorDep, limit: Limit = 50) -> list[EvaluationOut]:
    """Help the caller received and may still rate, the soonest to close first."""
    return [shown(e) for e in await evaluations.waiting_for(actor, limit=limit)]


@router.get("/evaluations/recent", response_model=list[EvaluationOut])
async def recent(
    evaluations: EvaluationsDep, organization_id: OrganizationQuery, limit: Limit = 20
) -> list[EvaluationOut]:
    """An organisation's latest ratings, the newest first; public."""
    return [shown(e) for e in await evaluations.recent(organization_id, limit=limit)]


@router.get("/evaluations", response_model=Page[EvaluationOut])
async def of_organization(
    evaluations: EvaluationsDep, organization_id: OrganizationQuery, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    """An organisation's ratings, public: stars, tags, comments (unless hidden) and its answers."""
    found = await evaluations.of_organization(organization_id, after=cursor, limit=limit)
    return page_of([shown(e) for e in found], limit)


@router.get("/evaluations/summary")
async def summary(evaluations: EvaluationsDep, organization_id: OrganizationQuery) -> dict[str, object]:
    """How many ratings an organisation has, their average and how many of each star; public."""
    return await evaluations.summary(organization_id)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationOut)
async def get_evaluation(evaluation_id: str, evaluations: EvaluationsDep, actor: MaybeActor) -> EvaluationOut:
    return shown(await evaluations.get(evaluation_id, actor))


@router.post("/evaluations/{evaluation_id}/give", response_model=EvaluationOut)
async def give(
    evaluation_id: str, body: EvaluationCreate, evaluations: EvaluationsDep, actor: ActiveActor
) -> EvaluationOut:
    """Rates help received, once, within the window (409 after it, or a second time)."""
    return shown(await evaluations.give(evaluation_id, body, actor))


@router.post("/evaluations/{evaluation_id}/answer", response_model=EvaluationOut)
async def answer(
    evaluation_id: str, body: EvaluationAnswer, evaluations: EvaluationsDep, actor: ActiveActor
) -> EvaluationOut:
    """The organisation rated answers, once."""
    return shown(await evaluations.answer(evaluation_id, body, actor))


@router.post("/evaluations/{evaluation_id}/hide", response_model=EvaluationOut)
async def hide(
    evaluation_id: str, body: EvaluationHide, evaluations: EvaluationsDep, actor: ActiveActor
) -> EvaluationOut:
    """An administrator of the rated organisation's area hides an abusive comment; the stars stay."""
    return shown(await evaluations.hide(evaluation_id, body, actor))
