"""A community's neighbour partner list (近邻合伙人), kept by its administrators: with the parties
of agreements in force, the organisations a need or venue "for partners" of the community is
shown and open to (`contract.eligibility`, `runtime.partners`). Anyone may read it; an
administrator of the community (or above) sets it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from cobuilding.clock import Clock
from contract.aggregates import Versioned
from contract.bodies.cobuilding import PartnerList
from contract.errors import Forbidden
from contract.events import Envelope, data_of
from contract.events.cobuilding import PartnersListed, PartnersListedData
from runtime.actors import Actor, ActorDep
from runtime.app import provided
from runtime.known_organizations import OrganizationLookup
from runtime.repository import MongoRepository

SOURCE = "/services/cobuilding"
Community = Annotated[str, Path(pattern=r"^[0-9]{12}$")]


class NeighbourPartners(Versioned):
    """The list of one community: its id is the community's code."""

    organization_ids: list[str]
    set_by: str
    set_at: datetime


class MongoPartnerLists(MongoRepository[NeighbourPartners]):
    model = NeighbourPartners


class PartnerLists:
    def __init__(self, repo: MongoPartnerLists, organizations: OrganizationLookup, clock: Clock) -> None:
        self.repo = repo
        self.organizations = organizations
        self.clock = clock

    async def of(self, community: str) -> NeighbourPartners:
        found = await self.repo.get(community)
        return found or NeighbourPartners(
            id=community, version=0, organization_ids=[], set_by="", set_at=self.clock.now()
        )

    async def put(self, community: str, cmd: PartnerList, actor: Actor) -> NeighbourPartners:
        if not actor.administers(community):
            raise Forbidden("an administrator of the community keeps its neighbour partner list", area_code=community)
        for organization_id in cmd.organization_ids:
            await self.organizations.require(organization_id)
        listed = list(dict.fromkeys(cmd.organization_ids))
        assert actor.area_code is not None
        if (await self.repo.get(community)) is None:
            made = NeighbourPartners(
                id=community, organization_ids=listed, set_by=actor.area_code, set_at=self.clock.now()
            )
            await self.repo.add(made, [_event(made)])
            return made

        def decide(current: NeighbourPartners) -> list[Envelope]:
            current.organization_ids, current.set_by, current.set_at = listed, actor.area_code or "", self.clock.now()
            return [_event(current)]

        changed, _ = await self.repo.change(community, decide)
        return changed


def _event(listed: NeighbourPartners) -> Envelope:
    data = data_of(PartnersListedData, listed, community=listed.id)
    return PartnersListed(source=SOURCE, subject=listed.id, data=data)


router = APIRouter(tags=["neighbour partners"])
PartnerListsDep = Annotated[PartnerLists, Depends(provided(PartnerLists))]


@router.get("/communities/{community}/partners", response_model=NeighbourPartners)
async def neighbour_partners(community: Community, lists: PartnerListsDep) -> NeighbourPartners:
    """A community's neighbour partners (近邻合伙人): public."""
    return await lists.of(community)


@router.put("/communities/{community}/partners", response_model=NeighbourPartners)
async def set_neighbour_partners(
    community: Community, body: PartnerList, lists: PartnerListsDep, actor: ActorDep
) -> NeighbourPartners:
    """The community's list, as its administrator sets it (the whole list each time)."""
    return await lists.put(community, body, actor)
