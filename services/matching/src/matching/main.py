"""Composition root of the matching service."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from aiokafka import TopicPartition
from fastapi import FastAPI

import contract
import matching as code
import runtime
from contract.events import COBUILDING_TOPIC, MATCHING_TOPIC, NEEDS_TOPIC, ORGANIZATIONS_TOPIC, RESOURCES_TOPIC
from matching import consumers
from matching.config import Settings
from matching.index import api as index_api
from matching.index.districts import Districts
from matching.index.engine import Index, Need
from matching.index.service import IndexProjection
from matching.index.share import Share
from matching.proposals import api as proposals_api
from matching.proposals.repository import ProposalRepository
from matching.proposals.service import Proposals
from matching.proposals.view import ProposalsView
from matching.proposals.writer import ProposalWriter
from matching.saga.service import Saga
from runtime import known_organizations
from runtime import partners as known_partners
from runtime.app import (
    Infra,
    background,
    create_service_app,
    event_consumer,
    event_reader,
    kept_read_model,
    outbox_relay,
    serve,
    snapshot_file,
    sweeping,
)
from runtime.kafka import Reading
from runtime.known_organizations import KnownOrganizations
from runtime.outbox import ensure_outbox_index
from runtime.pacing import settle
from runtime.replica import SnapshotFile, offsets_kept, refreshing, snapshotting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parts:
    """The index, the proposals' use cases and their writer, the saga, and the proposals' read model."""

    projection: IndexProjection
    proposals: Proposals
    writer: ProposalWriter
    saga: Saga
    view: ProposalsView


def build(
    repo: ProposalRepository,
    view: ProposalsView,
    settings: Settings,
    solver: Executor | None,
    share: Share,
    index: Index | None = None,
) -> Parts:
    """The service's parts, made of where proposals are kept, where the rematch's flow runs, the
    districts the instance matches in and the index (a new one unless given): nothing here
    connects to anything."""
    index = index or Index(max_per_day=settings.max_proposals_per_day)
    writer = ProposalWriter(repo, view)
    proposals = Proposals(
        index,
        repo,
        writer,
        ttl=timedelta(hours=settings.proposal_ttl_hours),
        top=settings.rematch_top,
        share=share,
        solver=solver,
    )
    projection = IndexProjection(
        index,
        proposals.propose,
        share=share,
        per_need=settings.proposals_per_need,
        per_supply=settings.proposals_per_supply,
    )
    return Parts(projection, proposals, writer, Saga(proposals), view)


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    """The parts on MongoDB and Kafka: the proposals' repository (keeping the read model: from
    its snapshot or the database, then from matching's topic), the index (from its snapshot, or
    anew) and its replay of the topics from there, the districts' group, the saga's consumer,
    the relay, the sweep, the rematch and the snapshots."""
    proposal_docs = infra.db["proposals"]
    await ensure_outbox_index(proposal_docs)
    for key in ("need_id", "need_organization_id", "resource_organization_id", "status"):
        await proposal_docs.create_index(key)
    relay = outbox_relay(infra, [proposal_docs])
    kept = kept_read_model(infra, [MATCHING_TOPIC], ProposalsView, code, contract, runtime)
    view = await kept.open()
    repo = ProposalRepository(proposal_docs, on_events=relay.wake, relay=relay, read_model=view.put)
    repo.written = kept.written
    if not kept.restored:
        await repo.load()
    await kept.catch_up({"match": refreshing(repo.named, view.put)})  # other instances' proposals too
    gc.collect()  # before the service answers anyone: what loading left behind
    settle()  # the view, loaded
    organizations = KnownOrganizations(infra.db)  # who may still decide
    # the rematch's flow: one worker process, started at the first rematch (a fresh interpreter:
    # forking a process with the database's and Kafka's client threads is not safe)
    solver = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    # no districts until the group assigns some (`matching.index.districts`)
    share = Share(partitions=len(await infra.producer.partitions_for(settings.topic(NEEDS_TOPIC))), owned=())
    snapshot = snapshot_file(settings, "matching.index", code, contract, runtime)
    restored = await restored_index(snapshot, settings)
    parts = build(repo, view, settings, solver, share, restored.index if restored else None)
    projection = parts.projection
    # the index, from its snapshot or anew, then from the needs, resources and co-building topics
    # (from where the snapshot had read them): who co-builds with whom among it
    if restored:
        projection.claimed, projection.elsewhere = restored.claimed, restored.elsewhere
        projection.reassign(())  # whose districts these are, the group says
    else:
        projection.index.partners = known_partners.KnownPartners()
    partners = projection.index.partners
    assert isinstance(partners, known_partners.KnownPartners)
    replayed = consumers.index_handlers(projection).including(known_partners.handlers(partners))
    start = restored.positions if restored else None
    feed = event_reader(settings, replayed, Reading.REPLAY, on_caught_up=projection.go_live, start=start)
    districts = Districts(settings, NEEDS_TOPIC, projection, session_seconds=settings.session_seconds)
    app.state.components.add(parts.proposals, view, projection, feed, organizations)
    saga = (
        consumers.saga_handlers(parts.saga)
        .including(consumers.proposal_handlers(parts.proposals))
        .including(known_organizations.handlers(organizations))
    )
    try:
        async with background(
            kept.run(),
            relay.run(),
            parts.writer.run(),
            feed.run(),
            districts.run(),
            event_consumer(infra, saga).run(),
            sweeping(parts.proposals.sweep, settings.sweep_seconds),
            rematching(projection, parts.proposals, settings.rematch_seconds),
            snapshotting(
                snapshot,
                lambda: IndexState(projection.index, projection.claimed, projection.elsewhere, dict(feed.positions)),
                lambda: projection.live,  # until it is current, the next start reads on from the one before
                settings.snapshot_seconds,
                what="index",
            ),
        ):
            yield
    finally:
        solver.shutdown(cancel_futures=True)


@dataclass
class IndexState:
    """A snapshot of the index: what it holds, the needs aside, and where its feed had read the
    topics up to (record by record: each record's change is in it, or not and read again)."""

    index: Index
    claimed: dict[str, Need]
    elsewhere: dict[str, Need]
    positions: dict[TopicPartition, int]


async def restored_index(snapshot: SnapshotFile | None, settings: Settings) -> IndexState | None:
    """The index's snapshot, when there is one the topics still have the offsets of."""
    loaded = snapshot.load() if snapshot else None
    if loaded is None:
        return None
    state = loaded.state
    if not isinstance(state, IndexState) or not await offsets_kept(settings, state.positions):
        log.warning("index snapshot passed over: the topics no longer have its offsets")
        return None
    log.info("index restored from its snapshot", extra={"fields": {"open_needs": len(state.index.needs)}})
    return state


async def rematching(projection: IndexProjection, proposals: Proposals, every: float) -> None:
    """The city-wide rematch, every `every` seconds once the index is current; one that fails
    is logged, and the next tries again."""
    while True:
        await asyncio.sleep(every)
        if projection.live:
            try:
                await proposals.rematch()
            except Exception:
                log.exception("the city-wide rematch failed")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Matching",
        routers=[proposals_api.router, index_api.router],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[MATCHING_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC, ORGANIZATIONS_TOPIC, COBUILDING_TOPIC],
        # each instance's proposals and index: one process per instance on FerretDB
        lease=f"matching instance {settings.instance}",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
