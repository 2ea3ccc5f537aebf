"""Matching's HTTP routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from matching import service
from matching.models import Proposal
from matching.repository import ProposalRepository
from matching.schemas import ProposalOut
from shared.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/proposals", tags=["proposals"])

Id = Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")]


def _proposals(request: Request) -> ProposalRepository:
    proposals: ProposalRepository = request.app.state.proposals
    return proposals


Proposals = Annotated[ProposalRepository, Depends(_proposals)]


@router.get("/{proposal_id}", response_model=ProposalOut)
async def get_proposal(proposal_id: str, proposals: Proposals) -> Proposal:
    """One proposal with the reasons behind its score."""
    return await service.get_proposal(proposal_id, proposals=proposals)


@router.get("", response_model=Page[ProposalOut])
async def list_proposals(
    proposals: Proposals,
    need_id: Id = None,
    organization_id: Id = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """Proposals for one need, or involving one organisation on either side."""
    where: dict[str, object] = {}
    if need_id:
        where["need_id"] = need_id
    if organization_id:
        where["$or"] = [
            {"need_organization_id": organization_id},
            {"resource_organization_id": organization_id},
        ]
    return page_of(await proposals.page(after=cursor, limit=limit, where=where), limit)
