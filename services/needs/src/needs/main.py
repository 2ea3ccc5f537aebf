"""Composition root of the needs service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from needs import api, consumers
from needs.config import Settings
from needs.repository import MongoNeedRepository
from shared import known_organizations
from shared.app import Infra, background, create_service_app, event_consumer, outbox_relay, serve
from shared.events import NEEDS_TOPIC, ORGANIZATIONS_TOPIC
from shared.known_organizations import KnownOrganizations
from shared.outbox import ensure_outbox_index


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
    needs = infra.db["needs"]
    await ensure_outbox_index(needs)
    await needs.create_index("organization_id")
    relay = outbox_relay(infra, [needs], NEEDS_TOPIC)
    app.state.repo = MongoNeedRepository(needs, on_events=relay.wake)
    app.state.organizations = organizations = KnownOrganizations(infra.db)
    consumer = event_consumer(infra, consumers.handlers(organizations=organizations))
    async with background(relay.run(), consumer.run()):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="Needs",
        routers=[api.router, known_organizations.router],
        wire=wire,
        topics=[NEEDS_TOPIC, ORGANIZATIONS_TOPIC],
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
