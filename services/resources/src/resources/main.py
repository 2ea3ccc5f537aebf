"""Composition root of the resources service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from resources import api, consumers
from resources.config import Settings
from resources.repository import MongoResourceRepository
from shared import known_organizations
from shared.app import Infra, background, create_service_app, event_consumer, outbox_relay, serve
from shared.events import ORGANIZATIONS_TOPIC, RESOURCES_TOPIC
from shared.known_organizations import KnownOrganizations
from shared.outbox import ensure_outbox_index


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
    resources = infra.db["resources"]
    await ensure_outbox_index(resources)
    await resources.create_index("organization_id")
    relay = outbox_relay(infra, [resources], RESOURCES_TOPIC)
    app.state.repo = MongoResourceRepository(resources, on_events=relay.wake)
    app.state.organizations = organizations = KnownOrganizations(infra.db)
    consumer = event_consumer(infra, consumers.handlers(organizations=organizations))
    async with background(relay.run(), consumer.run()):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="Resources and venues",
        routers=[api.router, known_organizations.router],
        wire=wire,
        topics=[RESOURCES_TOPIC, ORGANIZATIONS_TOPIC],
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
