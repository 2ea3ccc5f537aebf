"""Composition root of the matching service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from matching import api, consumers
from matching.config import Settings
from matching.repository import MongoIndexStore, MongoProposalRepository
from shared.app import Infra, background, create_service_app, event_consumer, outbox_relay, serve
from shared.events import MATCHING_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC
from shared.outbox import ensure_outbox_index


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    proposal_docs = infra.db["proposals"]
    await ensure_outbox_index(proposal_docs)
    for key in ("need_id", "need_organization_id", "resource_organization_id"):
        await proposal_docs.create_index(key)
    relay = outbox_relay(infra, [proposal_docs], MATCHING_TOPIC)
    app.state.proposals = proposals = MongoProposalRepository(proposal_docs, on_events=relay.wake)
    store = MongoIndexStore(infra.db)
    index = await store.load()
    handlers = consumers.handlers(
        index=index,
        store=store,
        proposals=proposals,
        per_need=settings.proposals_per_need,
        per_supply=settings.proposals_per_supply,
    )
    async with background(relay.run(), event_consumer(infra, handlers).run()):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Matching",
        routers=[api.router],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[MATCHING_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC],
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
