"""Composition root of the needs service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi import FastAPI

import contract
import needs as code
import runtime
from contract.events import (
    COBUILDING_TOPIC,
    MATCHING_TOPIC,
    MEMBERS_TOPIC,
    NEEDS_TOPIC,
    ORGANIZATIONS_TOPIC,
    RESOURCES_TOPIC,
)
from needs import consumers
from needs.activities import api as activities_api
from needs.activities.repository import ActivityRepository, MongoActivityRepository
from needs.activities.service import Activities
from needs.activities.view import ActivitiesView
from needs.config import Settings
from needs.evaluations import api as evaluations_api
from needs.evaluations.repository import EvaluationRepository, MongoEvaluationRepository
from needs.evaluations.service import Evaluations
from needs.needs import api as needs_api
from needs.needs.repository import MongoNeedRepository, NeedRepository
from needs.needs.service import Needs
from needs.needs.view import NeedsView
from needs.wishes import api as wishes_api
from needs.wishes.repository import MongoWishRepository, ProofRepository, ProofStore, WishRepository
from needs.wishes.service import Wishes
from runtime import known_organizations
from runtime import partners as known_partners
from runtime.app import (
    Infra,
    background,
    create_service_app,
    event_consumer,
    kept_memberships,
    kept_read_model,
    outbox_relay,
    serve,
    sweeping,
)
from runtime.known_organizations import KnownOrganizations, OrganizationLookup
from runtime.outbox import ensure_outbox_index
from runtime.partners import KnownPartners, Partnered, nobody
from runtime.replica import refreshing

log = logging.getLogger(__name__)


ROUTERS = [
    needs_api.router,
    wishes_api.router,
    activities_api.router,
    evaluations_api.router,
    known_organizations.router,
]


@dataclass(frozen=True)
class ReadModels:
    """What the needs service keeps in memory, kept current by the repositories' writes."""

    needs: NeedsView = field(default_factory=NeedsView)
    activities: ActivitiesView = field(default_factory=ActivitiesView)


@dataclass(frozen=True)
class Ports:
    """Where the use cases keep things, and what they know of organisations: MongoDB and the
    registry's events in `wire`, fakes in the in-process tests."""

    needs: NeedRepository
    wishes: WishRepository
    proofs: ProofRepository
    activities: ActivityRepository
    evaluations: EvaluationRepository
    organizations: OrganizationLookup
    partners: Partnered = nobody


@dataclass(frozen=True)
class Parts:
    """The use cases on their ports, and the read models they answer from: what the routes and
    the event handlers are given."""

    needs: Needs
    wishes: Wishes
    activities: Activities
    evaluations: Evaluations
    read_models: ReadModels

    def all(self) -> tuple[object, ...]:
        return self.needs, self.wishes, self.activities, self.evaluations, *vars(self.read_models).values()


def build(ports: Ports, read_models: ReadModels, settings: Settings) -> Parts:
    """The service's parts, made of its ports: nothing here connects to anything."""
    return Parts(
        needs=Needs(ports.needs, ports.organizations, read_models.needs, ports.partners),
        wishes=Wishes(ports.wishes, ports.proofs, ports.organizations, settings.max_proof_bytes),
        activities=Activities(ports.activities, ports.organizations, read_models.activities),
        evaluations=Evaluations(
            ports.evaluations,
            read_models.needs,
            ports.wishes,
            ports.organizations,
            timedelta(days=settings.rating_days),
        ),
        read_models=read_models,
    )


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    """The parts on MongoDB and Kafka: the repositories (each keeping its read model, restored
    from its snapshot or loaded first, then kept from the service's topic), and for a writer the
    memberships, event consumer, outbox relay and sweep."""
    db = infra.db
    stored = [db["needs"], db["wishes"], db["activities"], db["evaluations"], db["announcements"]]
    for collection in stored:
        await ensure_outbox_index(collection)
    await db["needs"].create_index("organization_id")
    for key in ("resident_id", "claimer_organization_id", "status"):
        await db["wishes"].create_index(key)
    for key in ("organization_id", "rater.organization_id", "rater.resident_id"):
        await db["evaluations"].create_index(key)
    relay = outbox_relay(infra, stored)
    kept = kept_read_model(infra, [NEEDS_TOPIC], ReadModels, code, contract, runtime)
    read_models = await kept.open()
    needs = MongoNeedRepository(
        db["needs"], db["announcements"], on_events=relay.wake, relay=relay, read_model=read_models.needs.put
    )
    activities = MongoActivityRepository(db["activities"], on_events=relay.wake, read_model=read_models.activities.put)
    needs.written = activities.written = kept.written
    if not kept.restored:
        loaded = {"needs": await needs.load(), "activities": await activities.load()}
        log.info("read models loaded", extra={"fields": loaded})
    need = refreshing(needs.get_many, read_models.needs.put)
    await kept.catch_up(
        {"need": need, "claim": need, "activity": refreshing(activities.get_many, read_models.activities.put)}
    )
    members = kept_memberships(settings) if settings.writes else None  # a writer checks who acts for whom
    organizations = KnownOrganizations(db, await members.open() if members is not None else None)
    partners = KnownPartners(db)
    await partners.load()
    wishes = MongoWishRepository(db["wishes"], on_events=relay.wake)
    evaluations = MongoEvaluationRepository(db["evaluations"], on_events=relay.wake)
    ports = Ports(needs, wishes, ProofStore(db["proofs"]), activities, evaluations, organizations, partners)
    parts = build(ports, read_models, settings)
    app.state.components.add(*parts.all(), organizations)
    handlers = consumers.handlers(organizations=organizations, needs=parts.needs, evaluations=parts.evaluations)
    handlers.including(known_partners.handlers(partners))
    jobs = [kept.run()]
    if members is not None:
        jobs += [
            members.run(),
            relay.run(),
            event_consumer(infra, handlers).run(),
            sweeping(parts.needs.sweep, settings.sweep_seconds),
        ]
    async with background(*jobs):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Needs",
        routers=ROUTERS,
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[NEEDS_TOPIC, ORGANIZATIONS_TOPIC, MEMBERS_TOPIC, MATCHING_TOPIC, RESOURCES_TOPIC, COBUILDING_TOPIC],
        body_limits={"/wishes/": settings.max_proof_bytes + 64 * 1024},
        # claims and sign-ups are conditional updates: one writer on FerretDB (runtime.lease)
        lease="needs",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
