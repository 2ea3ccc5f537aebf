"""Composition root of the notifications service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC
from notifications import api
from notifications.config import Settings
from notifications.repository import MongoMessageRepository, MongoReminderRepository
from notifications.service import Notifications
from notifications.table import FOLLOWED
from runtime.app import Infra, background, create_service_app, event_consumer, serve, sweeping
from runtime.handlers import Handlers


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
    """The messages and reminders on MongoDB, the consumer of every event kind the tables name
    (`BATCH_EVENTS`: a run of a partition's events at once), and the sweep telling reminders due."""
    settings = infra.settings
    assert isinstance(settings, Settings)
    messages, reminders = MongoMessageRepository(infra.db), MongoReminderRepository(infra.db)
    await messages.ensure_indexes()
    await reminders.ensure_indexes()
    notifications = Notifications(messages, reminders, remind_after=timedelta(hours=settings.remind_after_hours))
    app.state.components.add(notifications)
    handlers = Handlers()
    if settings.batch_events:  # ids are derived from the events: a run handled again adds nothing
        handlers.batched(FOLLOWED, notifications.on_events)
    else:
        for kind in FOLLOWED:
            handlers.on(kind, notifications.on_event, idempotent=True)
    async with background(event_consumer(infra, handlers).run(), sweeping(notifications.sweep, settings.sweep_seconds)):
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
