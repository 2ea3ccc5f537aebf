"""Composition root of the co-building service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cobuilding import clock_api
from cobuilding import partners as partner_lists
from cobuilding.agreements import api as agreements_api
from cobuilding.agreements.repository import KnownVenues, MongoAgreementRepository, MongoBooked
from cobuilding.agreements.service import Agreements
from cobuilding.clock import Clock
from cobuilding.concerns import api as concerns_api
from cobuilding.concerns.repository import MongoConcernRepository
from cobuilding.concerns.service import Concerns
from cobuilding.concerns.view import ConcernTallies
from cobuilding.config import Settings
from cobuilding.meetings import api as meetings_api
from cobuilding.meetings import stuck
from cobuilding.meetings.repository import MongoMeetingRepository
from cobuilding.meetings.service import Meetings
from cobuilding.photos import PhotoStore
from cobuilding.projects import api as projects_api
from cobuilding.projects.repository import MongoProjectRepository
from cobuilding.projects.service import Projects
from cobuilding.purchases import api as purchases_api
from cobuilding.purchases.repository import MongoPurchaseRepository
from cobuilding.purchases.service import Purchases
from contract.events import COBUILDING_TOPIC, MATCHING_TOPIC, NEEDS_TOPIC, ORGANIZATIONS_TOPIC, RESOURCES_TOPIC
from contract.events.resources import (
    BookingCancelled,
    BookingConfirmed,
    BookingRequested,
    ResourcePublished,
    ResourceUpdated,
    ResourceWithdrawn,
)
from runtime import known_organizations
from runtime.app import Infra, background, create_service_app, event_consumer, outbox_relay, serve, sweeping
from runtime.known_organizations import KnownOrganizations
from runtime.outbox import ensure_outbox_index


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    """Concerns and agreements on MongoDB, their events through the outbox relay; the consumer of
    what the registry says of organisations and the resources service of venues and of the
    bookings made for venue commitments; the sweep that escalates concerns past their time."""
    db = infra.db
    stored = [db["concerns"], db["agreements"], db["projects"], db["purchases"], db["partner_lists"]]
    for collection in stored:
        await ensure_outbox_index(collection)
    relay = outbox_relay(infra, stored)
    tallies = ConcernTallies()
    concern_repo = MongoConcernRepository(db["concerns"], on_events=relay.wake, read_model=tallies.put)
    agreement_repo = MongoAgreementRepository(db["agreements"], on_events=relay.wake)
    meeting_repo = MongoMeetingRepository(db["meetings"], on_events=relay.wake)
    project_repo = MongoProjectRepository(db["projects"], on_events=relay.wake)
    purchase_repo = MongoPurchaseRepository(db["purchases"], on_events=relay.wake)
    booked, venues, followed = MongoBooked(db), KnownVenues(db), stuck.Stuck(db)
    for made in (concern_repo, agreement_repo, meeting_repo, project_repo, purchase_repo, booked, followed):
        await made.ensure_indexes()
    clock, organizations, photos = Clock(), KnownOrganizations(db), PhotoStore(db["photos"])
    await concern_repo.load()  # the figures' tallies, before the service answers
    concerns = Concerns(
        concern_repo,
        tallies,
        photos,
        clock,
        reply_working_days=settings.reply_working_days,
        photos_per_concern=settings.photos_per_concern,
        max_photo_bytes=settings.max_photo_bytes,
    )
    agreements = Agreements(agreement_repo, booked, venues, organizations, clock)
    meetings = Meetings(meeting_repo, followed, agreements, concerns, clock)
    projects = Projects(
        project_repo,
        organizations,
        clock,
        photos,
        notice_days=settings.notice_days,
        max_photo_bytes=settings.max_photo_bytes,
    )
    purchases = Purchases(purchase_repo, organizations, clock)
    lists = partner_lists.PartnerLists(
        partner_lists.MongoPartnerLists(db["partner_lists"], on_events=relay.wake), organizations, clock
    )
    app.state.components.add(concerns, agreements, meetings, projects, purchases, lists, clock, organizations)
    handlers = (
        known_organizations.handlers(organizations)
        .batched((ResourcePublished, ResourceUpdated, ResourceWithdrawn), venues.on_resources)
        .on((BookingRequested, BookingConfirmed, BookingCancelled), agreements.on_booking, idempotent=True)
        .including(stuck.handlers(followed))
    )
    async with background(
        relay.run(), event_consumer(infra, handlers).run(), sweeping(concerns.sweep, settings.sweep_seconds)
    ):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    test_clock = [clock_api.router] if settings.environment != "production" else []
    return create_service_app(
        settings,
        title="Co-building",
        routers=[
            concerns_api.router,
            agreements_api.router,
            meetings_api.router,
            projects_api.router,
            purchases_api.router,
            partner_lists.router,
            known_organizations.router,
            *test_clock,
        ],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[COBUILDING_TOPIC, ORGANIZATIONS_TOPIC, RESOURCES_TOPIC, NEEDS_TOPIC, MATCHING_TOPIC],
        body_limits={prefix: settings.max_photo_bytes + 64 * 1024 for prefix in ("/concerns/", "/projects/")},
        # replies, escalations and signatures are conditional updates: one writer on FerretDB (runtime.lease)
        lease="cobuilding",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
