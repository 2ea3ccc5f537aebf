"""Composition root of the organisation registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from organizations import api
from organizations.config import Settings
from organizations.repository import MongoOrganizationRepository
from shared.app import Infra, background, create_service_app, outbox_relay, serve
from shared.events import ORGANIZATIONS_TOPIC
from shared.outbox import ensure_outbox_index


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
    organizations = infra.db["organizations"]
    await ensure_outbox_index(organizations)
    relay = outbox_relay(infra, [organizations], ORGANIZATIONS_TOPIC)
    app.state.repo = MongoOrganizationRepository(organizations, on_events=relay.wake)
    async with background(relay.run()):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="Organisation registry",
        routers=[api.router],
        wire=wire,
        topics=[ORGANIZATIONS_TOPIC],
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
