"""The routes of co-building agreements. Who may call each: an organisation (a partner's key or a
member signed in for it) for the agreements it is a party to; the administrators of an
agreement's area read it; no resident, no anonymous caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from cobuilding.agreements.service import Agreements, AgreementView
from contract.bodies.cobuilding import AgreementCreate, FulfilmentCreate
from contract.events.cobuilding import AgreementStatus
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import AreaQuery, IdPath

router = APIRouter(tags=["co-building agreements"])

AgreementsDep = Annotated[Agreements, Depends(provided(Agreements))]


@router.post("/agreements", status_code=201, response_model=AgreementView)
async def propose(body: AgreementCreate, agreements: AgreementsDep, actor: ActiveActor) -> AgreementView:
    """A co-building agreement (结对共建) the acting organisation proposes to the other parties,
    signed by it; in force once every party has signed."""
    [shown] = await agreements.views([await agreements.propose(body, actor)])
    return shown


@router.get("/agreements", response_model=Page[AgreementView])
async def list_agreements(
    agreements: AgreementsDep,
    actor: ActorDep,
    status: AgreementStatus | None = None,
    area_code: AreaQuery = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """An organisation's agreements; an administrator's area's (or one area's below it)."""
    found = await agreements.page(actor, status=status, area_code=area_code, after=cursor, limit=limit)
    return page_of(await agreements.views(found), limit)


@router.get("/agreements/{agreement_id}", response_model=AgreementView)
async def get_agreement(agreement_id: IdPath, agreements: AgreementsDep, actor: ActorDep) -> AgreementView:
    """The agreement with each commitment's occurrences: done, due, missed, to come."""
    [shown] = await agreements.views([await agreements.get(agreement_id, actor)])
    return shown


@router.post("/agreements/{agreement_id}/sign", response_model=AgreementView)
async def sign(agreement_id: IdPath, agreements: AgreementsDep, actor: ActiveActor) -> AgreementView:
    """The acting organisation signs; the last signature puts it in force and books its venues."""
    [shown] = await agreements.views([await agreements.sign(agreement_id, actor)])
    return shown


@router.post("/agreements/{agreement_id}/end", response_model=AgreementView)
async def end(agreement_id: IdPath, agreements: AgreementsDep, actor: ActiveActor) -> AgreementView:
    """A party ends the agreement (or withdraws it before all signed)."""
    [shown] = await agreements.views([await agreements.end(agreement_id, actor)])
    return shown


@router.post("/agreements/{agreement_id}/commitments/{commitment_id}/fulfilments", response_model=AgreementView)
async def record(
    agreement_id: IdPath, commitment_id: IdPath, body: FulfilmentCreate, agreements: AgreementsDep, actor: ActiveActor
) -> AgreementView:
    """A commitment kept on a day of the term (a venue commitment is kept by its bookings)."""
    [shown] = await agreements.views([await agreements.record(agreement_id, commitment_id, body, actor)])
    return shown
