"""Proposals nobody answered in time expire, against the real MongoDB-compatible server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import uuid4

import pytest
from pymongo import AsyncMongoClient

from contract.ids import new_id
from matching.index.engine import Index
from matching.index.share import Share, partition_of
from matching.proposals.models import Proposal, ProposalStatus, now
from matching.proposals.repository import ProposalRepository
from matching.proposals.service import Proposals
from matching.proposals.view import ProposalsView
from matching.proposals.writer import ProposalWriter
from runtime.mongo import Document

pytestmark = pytest.mark.stack

MINE, OTHERS = "350102001001", "350103001001"  # districts 350102 and 350103: partitions 0 and 1 of 2


@pytest.fixture
async def proposals(mongo: AsyncMongoClient[Document]) -> AsyncIterator[ProposalRepository]:
    name = f"t{uuid4().hex[:12]}_matching"
    yield ProposalRepository(mongo[name]["proposals"], on_events=lambda: None)
    await mongo.drop_database(name)


def proposal(area_code: str, expires_in: timedelta, status: ProposalStatus = ProposalStatus.PROPOSED) -> Proposal:
    return Proposal(
        id=new_id(),
        area_code=area_code,
        need_id=new_id(),
        need_organization_id=new_id(),
        resource_id=new_id(),
        resource_organization_id=new_id(),
        score=0.8,
        reasons=[],
        status=status,
        expires_at=now() + expires_in,
    )


async def test_a_proposal_not_answered_in_time_expires_once_by_the_instance_that_matches_its_area(
    proposals: ProposalRepository,
) -> None:
    view = ProposalsView()
    proposals.read_model = view.put
    matching = Proposals(
        Index(),
        proposals,
        ProposalWriter(proposals, view),
        ttl=timedelta(hours=72),
        top=20,
        share=Share(2, owned=[partition_of(MINE[:6], 2)]),  # one of two instances
    )
    due, later, others = (
        proposal(MINE, -timedelta(minutes=1)),
        proposal(MINE, timedelta(hours=1)),
        proposal(OTHERS, -timedelta(minutes=1)),
    )
    declined = proposal(MINE, -timedelta(minutes=1))
    for p in (due, later, others, declined):
        await proposals.add(p, [])
        view.put(p)
    await proposals.update(declined.model_copy(update={"status": ProposalStatus.DECLINED}), [])  # elsewhere

    assert await matching.sweep() == 1
    stored = {p.id: await proposals.get(p.id) for p in (due, later, others, declined)}
    assert {k: p.status for k, p in stored.items() if p} == {
        due.id: ProposalStatus.EXPIRED,
        later.id: ProposalStatus.PROPOSED,
        others.id: ProposalStatus.PROPOSED,  # the other instance's to expire
        declined.id: ProposalStatus.DECLINED,
    }
    document = await proposals.collection.find_one({"_id": due.id})
    assert document is not None and [e["type"] for e in document["outbox"]] == ["match.expired"]
    assert view.proposals[due.id].status is ProposalStatus.EXPIRED
    assert await matching.sweep() == 0
