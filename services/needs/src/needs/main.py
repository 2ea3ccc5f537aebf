"""Composition root of the needs service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC, ORGANIZATIONS_TOPIC
from needs import consumers
from needs.activities import api as activities_api
from needs.activities.repository import MongoActivityRepository
from needs.activities.service import Activities
from needs.activities.view import ActivitiesView
from needs.config import Settings
from needs.needs import api as needs_api
from needs.needs.repository import MongoNeedRepository
from needs.needs.service import Needs
from needs.needs.view import NeedsView
from needs.wishes import api as wishes_api
from needs.wishes.repository import MongoWishRepository, ProofStore
from needs.wishes.service import Wishes
from runtime import known_organizations
from runtime.app import Infra, background, create_service_app, event_consumer, outbox_relay, serve, sweeping
from runtime.known_organizations import KnownOrganizations
from runtime.outbox import ensure_outbox_index

log = logging.getLogger(__name__)


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    db = infra.db
    stored = [db["needs"], db["wishes"], db["activities"], db["announcements"]]
    for collection in stored:
        await ensure_outbox_index(collection)
    await db["needs"].create_index("organization_id")
    for field in ("resident_id", "claimer_organization_id", "status"):
        await db["wishes"].create_index(field)
    relay = outbox_relay(infra, stored)
    view = NeedsView()
    repo = MongoNeedRepository(db["needs"], db["announcements"], on_events=relay.wake, read_model=view.put)
    activities_view = ActivitiesView()
    activity_repo = MongoActivityRepository(db["activities"], on_events=relay.wake, read_model=activities_view.put)
    loaded = {"needs": await repo.load(), "activities": await activity_repo.load()}
    log.info("read models loaded", extra={"fields": loaded})
    organizations = KnownOrganizations(db)
    needs = Needs(repo, organizations, view)
    wishes = MongoWishRepository(db["wishes"], on_events=relay.wake)
    wished = Wishes(wishes, ProofStore(db["proofs"]), organizations, settings.max_proof_bytes)
    activities = Activities(activity_repo, organizations, activities_view)
    app.state.components.add(needs, view, wished, activities, organizations)
    consumer = event_consumer(infra, consumers.handlers(organizations=organizations, needs=needs))
    async with background(relay.run(), consumer.run(), sweeping(needs.sweep, settings.sweep_seconds)):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Needs",
        routers=[needs_api.router, wishes_api.router, activities_api.router, known_organizations.router],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[NEEDS_TOPIC, ORGANIZATIONS_TOPIC, MATCHING_TOPIC],
        body_limits={"/wishes/": settings.max_proof_bytes + 64 * 1024},
        # claims and sign-ups are conditional updates: one writer on FerretDB (runtime.lease)
        lease="needs",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
