"""Composition root of the notifications service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC
from notifications import api
from notifications.config import Settings
from notifications.repository import MongoMessageRepository
from notifications.service import Notifications
from notifications.table import TABLE
from runtime.app import Infra, background, create_service_app, event_consumer, serve
from runtime.handlers import Handlers


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
    """The messages on MongoDB, and the consumer of every event kind the table names (`BATCH_EVENTS`:
    a run of a partition's events at once)."""
    messages = MongoMessageRepository(infra.db)
    await messages.ensure_indexes()
    notifications = Notifications(messages)
    app.state.components.add(notifications)
    settings = infra.settings
    assert isinstance(settings, Settings)
    kinds = tuple(row.event for row in TABLE)
    handlers = Handlers()
    if settings.batch_events:  # a message's id is its event's and recipient's: a run handled again adds nothing
        handlers.batched(kinds, notifications.on_events)
    else:
        for kind in kinds:
            handlers.on(kind, notifications.on_event, idempotent=True)
    async with background(event_consumer(infra, handlers).run()):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Notifications",
        routers=[api.router],
        wire=wire,
        topics=[NEEDS_TOPIC, RESOURCES_TOPIC, MATCHING_TOPIC],
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
