"""Matching's HTTP routes of proposals: reading them, their decisions, the city-wide rematch."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from contract.errors import Forbidden, NotFound
from matching.proposals.models import Proposal, ProposalStatus, may_see
from matching.proposals.schemas import ProposalOut
from matching.proposals.service import Proposals
from matching.proposals.view import ProposalsView
from runtime.actors import ActorDep, ActorKind
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import IdQuery

router = APIRouter(tags=["proposals"])


ProposalsDep = Annotated[Proposals, Depends(provided(Proposals))]
ViewDep = Annotated[ProposalsView, Depends(provided(ProposalsView))]


@router.get("/proposals/{proposal_id}", response_model=ProposalOut)
async def get_proposal(proposal_id: str, proposals: ProposalsDep, actor: ActorDep) -> Proposal:
    """One proposal with the reasons behind its score ("why this match"), to those who may see
    it (`may_see`: its two organisations, an administrator of its need's area, the platform);
    404 to anyone else, as for a proposal that does not exist."""
    proposal = await proposals.get(proposal_id)
    if not may_see(proposal, actor):
        raise NotFound(f"no proposal {proposal_id!r}")
    return proposal


@router.get("/proposals", response_model=Page[ProposalOut])
async def list_proposals(
    proposals: ProposalsDep,
    view: ViewDep,
    actor: ActorDep,
    need_id: IdQuery = None,
    organization_id: IdQuery = None,
    status: Annotated[list[ProposalStatus] | None, Query()] = None,
    newest: Annotated[bool, Query(description="the newest first, one page (no cursor)")] = False,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """Proposals for one need, or involving one organisation on either side, of some statuses,
    in id order (`newest`: the latest made first), of those the caller may see: an organisation its own only (another's
    `organization_id` is a 403), an administrator those of needs in its subtree, the platform
    all; a resident none (403). Those of a need or an organisation are read from the database
    (every instance's); all proposals, from this instance's memory."""
    if actor.kind is ActorKind.RESIDENT:
        raise Forbidden("proposals are their organisations' and their administrators'")
    if actor.kind is ActorKind.ORGANIZATION:
        if organization_id not in (None, actor.organization_id):
            raise Forbidden("an organisation sees its own proposals only", organization_id=organization_id)
        organization_id = actor.organization_id

    def keep(p: Proposal) -> bool:
        return (
            (need_id is None or p.need_id == need_id)
            and (organization_id is None or organization_id in (p.need_organization_id, p.resource_organization_id))
            and (status is None or p.status in status)
            and may_see(p, actor)
        )

    if need_id is None and organization_id is None:
        if newest:
            return {"items": view.newest(keep, limit=limit), "next_cursor": None}
        return page_of(view.page(keep, after=cursor, limit=limit), limit)
    if need_id is not None:
        rows = await proposals.repo.matching(need_id=need_id)
    else:
        assert organization_id is not None
        rows = await proposals.repo.matching(
            need_organization_id=organization_id, resource_organization_id=organization_id
        )
    page = [p for p in rows if keep(p) and (cursor is None or p.id > cursor)][:limit]
    return page_of(page, limit)


@router.post("/proposals/{proposal_id}/{decision}", response_model=ProposalOut)
async def decide(
    proposal_id: str, decision: Literal["accept", "decline"], proposals: ProposalsDep, actor: ActiveActor
) -> Proposal:
    """Either side (the need's organisation, the supplier) accepts or declines. When both have
    accepted, the claim and the booking or service request are made (`match.accepted`)."""
    if decision == "accept":
        return await proposals.accept(proposal_id, actor)
    return await proposals.decline(proposal_id, actor)


@router.post("/rematch", tags=["operations"])
async def rematch(proposals: ProposalsDep, actor: ActorDep) -> dict[str, float]:
    """Runs the city-wide rematch now (a city administrator): the assignment of all supply to all
    open needs with the most total score; the pairs it uses that were not proposed are proposed."""
    if not actor.runs_a_city:
        raise Forbidden("a city administrator runs the city-wide rematch")
    return await proposals.rematch()
