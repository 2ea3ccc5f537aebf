"""Composition root of the co-building service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cobuilding import clock_api
from cobuilding.clock import Clock
from cobuilding.concerns import api as concerns_api
from cobuilding.concerns.repository import MongoConcernRepository, PhotoStore
from cobuilding.concerns.service import Concerns
from cobuilding.config import Settings
from contract.events import COBUILDING_TOPIC
from runtime.app import Infra, background, create_service_app, outbox_relay, serve, sweeping
from runtime.outbox import ensure_outbox_index


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    """The concerns on MongoDB, their events through the outbox relay, and the sweep that
    escalates what waited past its time."""
    db = infra.db
    await ensure_outbox_index(db["concerns"])
    relay = outbox_relay(infra, [db["concerns"]])
    repo = MongoConcernRepository(db["concerns"], on_events=relay.wake)
    await repo.ensure_indexes()
    clock = Clock()
    concerns = Concerns(
        repo,
        PhotoStore(db["photos"]),
        clock,
        reply_working_days=settings.reply_working_days,
        photos_per_concern=settings.photos_per_concern,
        max_photo_bytes=settings.max_photo_bytes,
    )
    app.state.components.add(concerns, clock)
    async with background(relay.run(), sweeping(concerns.sweep, settings.sweep_seconds)):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    test_clock = [clock_api.router] if settings.environment != "production" else []
    return create_service_app(
        settings,
        title="Co-building",
        routers=[concerns_api.router, *test_clock],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[COBUILDING_TOPIC],
        body_limits={"/concerns/": settings.max_photo_bytes + 64 * 1024},
        # replies and escalations are conditional updates: one writer on FerretDB (runtime.lease)
        lease="cobuilding",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
