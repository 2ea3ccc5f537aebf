"""Composition root of the resources service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

import contract
import resources as code
import runtime
from contract.events import COBUILDING_TOPIC, MATCHING_TOPIC, ORGANIZATIONS_TOPIC, RESOURCES_TOPIC
from resources import consumers
from resources.bookings import api as bookings_api
from resources.bookings.repository import BookingRepository
from resources.bookings.service import Bookings, holding
from resources.bookings.slots import Slots
from resources.config import Settings
from resources.requests import api as requests_api
from resources.requests.repository import RequestRepository
from resources.requests.service import ServiceRequests
from resources.resources import api as resources_api
from resources.resources.repository import ResourceRepository
from resources.resources.service import Resources
from resources.view import SupplyView
from runtime import known_organizations
from runtime.app import (
    Infra,
    background,
    create_service_app,
    event_consumer,
    kept_read_model,
    outbox_relay,
    serve,
    sweeping,
)
from runtime.known_organizations import KnownOrganizations, OrganizationLookup
from runtime.outbox import ensure_outbox_index
from runtime.partners import KnownPartners, Partnered, nobody
from runtime.replica import refreshing
from runtime.repository import Announcements

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ports:
    """Where the use cases keep things, and what they know of organisations."""

    resources: ResourceRepository
    bookings: BookingRepository
    slots: Slots
    requests: RequestRepository
    announcements: Announcements
    organizations: OrganizationLookup
    partners: Partnered = nobody


@dataclass(frozen=True)
class Parts:
    """The use cases on their ports, and the read model they answer from."""

    resources: Resources
    bookings: Bookings
    requests: ServiceRequests
    view: SupplyView

    def all(self) -> tuple[object, ...]:
        return self.resources, self.bookings, self.requests, self.view


def build(ports: Ports, view: SupplyView) -> Parts:
    """The service's parts, made of its ports: nothing here connects to anything."""
    resources = Resources(ports.resources, ports.organizations, view)
    bookings = Bookings(
        ports.bookings, ports.slots, resources, ports.organizations, view, ports.announcements, ports.partners
    )
    requests = ServiceRequests(ports.requests, resources, ports.organizations, ports.announcements)
    return Parts(resources, bookings, requests, view)


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    """The parts on MongoDB and Kafka: the repositories (keeping the read model, restored from
    its snapshot or loaded first, then kept from the service's topic), and for a writer the
    event consumer, the outbox relay and the sweep."""
    db = infra.db
    outboxes = [db["resources"], db["bookings"], db["service_requests"], db["announcements"]]
    for collection in outboxes:
        await ensure_outbox_index(collection)
    await db["resources"].create_index("organization_id")
    await db["slots"].create_index("booking_id")
    await db["service_requests"].create_index("organization_id")
    await db["service_requests"].create_index("provider_organization_id")
    relay = outbox_relay(infra, outboxes)
    kept = kept_read_model(infra, [RESOURCES_TOPIC], SupplyView, code, contract, runtime)
    view = await kept.open()
    resource_repo = ResourceRepository(db["resources"], on_events=relay.wake, relay=relay, read_model=view.put_resource)
    booking_repo = BookingRepository(db["bookings"], on_events=relay.wake, relay=relay, read_model=view.put_booking)
    resource_repo.written = booking_repo.written = kept.written
    if not kept.restored:
        loaded = {"resources": await resource_repo.load(), "bookings": await booking_repo.load()}
        log.info("read model loaded", extra={"fields": loaded})
    resources, bookings = (
        refreshing(resource_repo.get_many, view.put_resource),
        refreshing(booking_repo.get_many, view.put_booking),
    )
    await kept.catch_up({"resource": resources, "booking": bookings})
    organizations, partners = KnownOrganizations(db), KnownPartners(db)
    await partners.load()
    ports = Ports(
        resources=resource_repo,
        bookings=booking_repo,
        slots=Slots(db["slots"], holds=holding(booking_repo)),
        requests=RequestRepository(db["service_requests"], on_events=relay.wake),
        announcements=Announcements(db["announcements"], on_events=relay.wake),
        organizations=organizations,
        partners=partners,
    )
    parts = build(ports, view)
    app.state.components.add(*parts.all(), organizations)
    handlers = consumers.handlers(
        organizations=organizations, partners=partners, bookings=parts.bookings, requests=parts.requests
    )
    jobs = [kept.run()]
    if settings.writes:
        jobs += [
            relay.run(),
            event_consumer(infra, handlers).run(),
            sweeping(parts.bookings.sweep, settings.sweep_seconds),
        ]
    async with background(*jobs):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Resources and venues",
        # requests first: `/resources/{id}/requests` before `/resources/{id}/{action}` matches it
        routers=[requests_api.router, resources_api.router, bookings_api.router, known_organizations.router],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[RESOURCES_TOPIC, ORGANIZATIONS_TOPIC, MATCHING_TOPIC, COBUILDING_TOPIC],
        # bookings, requests and capacity are conditional updates: one writer on FerretDB
        lease="resources",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
