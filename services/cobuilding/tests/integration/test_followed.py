"""What the co-building service keeps of others' needs, proposals and venues, learnt a run of
events at a time, on the real MongoDB-compatible server."""

from __future__ import annotations

import uuid

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from cobuilding.agreements.repository import KnownVenues
from cobuilding.meetings.stuck import Stuck, handlers
from contract.events.matching import MatchProposed, MatchProposedData
from contract.events.needs import NeedPosted, NeedPostedData
from contract.events.resources import ResourceData, ResourceKind, ResourcePublished, ResourceUpdated
from contract.taxonomy import Category
from runtime.kafka import Batched
from runtime.mongo import Document

pytestmark = pytest.mark.stack

COMMUNITY = "350102001001"


def posted(need_id: str, title: str) -> NeedPosted:
    data = NeedPostedData(
        need_id=need_id, organization_id="o1", title=title, category=Category.VENUE, area_code=COMMUNITY, quantity=2
    )
    return NeedPosted(source="/services/needs", subject=need_id, data=data)


def proposed(need_id: str, partner: str, score: float) -> MatchProposed:
    data = MatchProposedData(
        proposal_id=uuid.uuid4().hex,
        need_id=need_id,
        need_organization_id="o1",
        resource_id="r1",
        resource_organization_id=partner,
        score=score,
        reasons=[],
    )
    return MatchProposed(source="/services/matching", subject=need_id, data=data)


async def test_runs_of_needs_and_proposals_keep_each_need_once_with_its_candidates(
    db: AsyncDatabase[Document],
) -> None:
    followed = Stuck(db)
    found = handlers(followed)
    assert isinstance(found["need.posted"], Batched) and isinstance(found["match.proposed"], Batched)

    await followed.on_proposed([proposed("n3", "p1", 0.9)])  # read before the need's posting
    await followed.on_needs_posted([posted("n1", "first"), posted("n2", "second"), posted("n3", "third")])
    await followed.on_needs_posted([posted("n1", "first, told again")])
    await followed.on_proposed(
        [proposed("n1", "p1", 0.8), proposed("n1", "p2", 0.7), proposed("n1", "p1", 0.8), proposed("n3", "p2", 0.6)]
    )

    kept = {d["_id"]: d for d in await db["followed"].find().to_list()}
    assert sorted(kept) == ["n1", "n2", "n3"]
    assert kept["n1"]["title"] == "first, told again" and kept["n1"]["status"] == "open"
    assert kept["n1"]["candidates"] == [
        {"organization_id": "p1", "score": 0.8},
        {"organization_id": "p2", "score": 0.7},
    ]
    assert "candidates" not in kept["n2"]
    assert kept["n3"]["title"] == "third" and kept["n3"]["community"] == COMMUNITY
    assert kept["n3"]["candidates"] == [
        {"organization_id": "p1", "score": 0.9},
        {"organization_id": "p2", "score": 0.6},
    ]


async def test_a_run_of_resource_events_keeps_each_as_its_last_event_says(db: AsyncDatabase[Document]) -> None:
    venues = KnownVenues(db)

    def data(resource_id: str, name: str) -> ResourceData:
        return ResourceData(
            resource_id=resource_id,
            organization_id="o1",
            kind=ResourceKind.VENUE,
            name=name,
            category=Category.VENUE,
            area_code=COMMUNITY,
            capacity=40,
        )

    await venues.on_resources([ResourcePublished(source="/services/resources", subject="v1", data=data("v1", "hall"))])
    renamed = ResourceUpdated(source="/services/resources", subject="v1", data=data("v1", "great hall"))
    others = [
        ResourcePublished(source="/services/resources", subject=f"v{n}", data=data(f"v{n}", "room")) for n in (2, 3)
    ]
    await venues.on_resources([*others, renamed])

    hall = await venues.get("v1")
    assert hall is not None and hall.name == "great hall"
    assert [await venues.get(v) for v in ("v2", "v3")] == [data("v2", "room"), data("v3", "room")]
    assert await db["known_venues"].count_documents({}) == 3
