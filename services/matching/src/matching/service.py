"""Matching's use cases: keep the index current and propose as facts arrive."""

from __future__ import annotations

from matching.models import MatchIndex, OpenNeed, Proposal, Supply
from matching.repository import IndexStore, ProposalRepository
from shared.errors import NotFound
from shared.events import MatchProposed, MatchProposedData, NeedPosted, ResourcePublished

SOURCE = "/services/matching"
_EVENT_FIELDS = set(MatchProposedData.model_fields) - {"proposal_id"}


async def on_need_posted(
    event: NeedPosted, *, index: MatchIndex, store: IndexStore, proposals: ProposalRepository, limit: int
) -> None:
    """A new need gets the best supply of its category proposed at once."""
    data = event.data
    need = OpenNeed(
        id=data.need_id,
        organization_id=data.organization_id,
        category=data.category,
        area_code=data.area_code,
        quantity=data.quantity,
    )
    await store.save_need(need)
    index.add_need(need)
    for proposal in index.best_supply_for(need, limit):
        await _propose(proposal, proposals)


async def on_resource_published(
    event: ResourcePublished,
    *,
    index: MatchIndex,
    store: IndexStore,
    proposals: ProposalRepository,
    limit: int,
) -> None:
    """New supply is proposed to the open needs it serves best."""
    data = event.data
    supply = Supply(
        id=data.resource_id,
        organization_id=data.organization_id,
        category=data.category,
        area_code=data.area_code,
        capacity=data.capacity,
    )
    await store.save_supply(supply)
    index.add_supply(supply)
    for proposal in index.best_needs_for(supply, limit):
        await _propose(proposal, proposals)


async def _propose(proposal: Proposal, proposals: ProposalRepository) -> None:
    data = MatchProposedData(proposal_id=proposal.id, **proposal.model_dump(include=_EVENT_FIELDS))
    await proposals.add(proposal, [MatchProposed(source=SOURCE, subject=proposal.need_id, data=data)])


async def get_proposal(proposal_id: str, *, proposals: ProposalRepository) -> Proposal:
    """One proposal, or NotFound."""
    proposal = await proposals.get(proposal_id)
    if proposal is None:
        raise NotFound(f"no proposal {proposal_id!r}")
    return proposal
