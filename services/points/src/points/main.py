"""Composition root of the points service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import FastAPI

from contract.events import MEMBERS_TOPIC, NEEDS_TOPIC, ORGANIZATIONS_TOPIC, POINTS_TOPIC, RESOURCES_TOPIC
from points import consumers
from points.attendance import api as attendance_api
from points.attendance.earning import AttendanceEarning
from points.attendance.repository import AttendanceRepository, AttendedRepository, MongoAttendedRepository
from points.attendance.service import Attendances
from points.boards import api as boards_api
from points.boards.organizations import PlacedOrganizations
from points.boards.service import Boards, Memberships
from points.boards.view import Standings
from points.config import Settings
from points.consents import api as consents_api
from points.consents.repository import ConsentRepository, MongoConsentRepository
from points.consents.service import Consents
from points.earning.needs import MongoNeedRepository
from points.earning.service import Earning, NeedRepository
from points.ledger import api as ledger_api
from points.ledger.models import Movement
from points.ledger.repository import MongoMovementRepository, MovementRepository
from points.ledger.service import Ledger
from points.ledger.view import Balances
from points.records import api as records_api
from points.records.service import Records
from points.registrations import api as registrations_api
from points.registrations.repository import MongoCredits, MongoRegistrationRepository
from points.registrations.service import Registrations
from points.rules import api as rules_api
from points.rules.repository import MongoRuleRepository, RuleRepository
from points.rules.service import Rules
from points.shop import api as shop_api
from points.shop.repository import MongoItemRepository, MongoOrderRepository
from points.shop.service import Shop
from points.timebank import api as timebank_api
from points.timebank.repository import MongoTimebankRepository
from points.timebank.service import Timebank
from runtime import known_organizations
from runtime.app import (
    Infra,
    background,
    create_service_app,
    event_consumer,
    kept_memberships,
    outbox_relay,
    serve,
    sweeping,
)
from runtime.known_organizations import KnownOrganizations, OrganizationLookup
from runtime.outbox import ensure_outbox_index

log = logging.getLogger(__name__)

ROUTERS = [
    ledger_api.router,
    rules_api.router,
    boards_api.router,
    registrations_api.router,
    timebank_api.router,
    attendance_api.router,
    records_api.router,
    consents_api.router,
    shop_api.router,
    known_organizations.router,
]


@dataclass(frozen=True)
class Ports:
    """Where the use cases keep things: MongoDB in `wire`, fakes in in-process tests."""

    movements: MovementRepository
    rules: RuleRepository
    needs: NeedRepository
    memberships: Memberships
    attended: AttendedRepository
    attendances: AttendanceRepository
    consents: ConsentRepository
    organizations: OrganizationLookup
    checkin_key: bytes
    certificate_key: bytes


@dataclass(frozen=True)
class Parts:
    """The use cases on their ports, and the running balances and standings they answer from."""

    ledger: Ledger
    rules: Rules
    earning: Earning
    balances: Balances
    boards: Boards
    attendances: Attendances
    attendance_earning: AttendanceEarning

    records: Records
    consents: Consents

    def all(self) -> tuple[object, ...]:
        parts = self.ledger, self.rules, self.earning, self.balances, self.boards
        return (*parts, self.attendances, self.attendance_earning, self.records, self.consents)


def build(ports: Ports, balances: Balances, standings: Standings) -> Parts:
    """The service's parts, made of its ports: nothing here connects to anything."""
    ledger = Ledger(ports.movements, balances)
    rules = Rules(ports.rules)
    earning = Earning(ledger, rules, ports.needs)
    boards = Boards(standings, ports.memberships)
    attendances = Attendances(ports.attended, ports.attendances, ports.needs, ports.checkin_key)
    records = Records(ports.movements, ports.organizations, ports.certificate_key)
    consents = Consents(ports.consents, ports.organizations)
    return Parts(
        ledger=ledger,
        rules=rules,
        earning=earning,
        balances=balances,
        boards=boards,
        attendances=attendances,
        attendance_earning=AttendanceEarning(ledger, rules, attendances, ports.attendances),
        records=records,
        consents=consents,
    )


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra) -> AsyncIterator[None]:
    """The parts on MongoDB and Kafka: the memberships (from the members' topic), the organisations
    placed and the balances and standings loaded from every movement, the rules (seeded at the
    first start), then the consumer and the outbox relay (of the movements, the registrations,
    the attendances and the shop's orders)."""
    db, settings = infra.db, infra.settings
    assert isinstance(settings, Settings)
    stored = [db["movements"], db["registrations"], db["attendances"], db["orders"]]
    for collection in stored:
        await ensure_outbox_index(collection)
    relay = outbox_relay(infra, stored)
    balances, standings = Balances(), Standings()
    members = kept_memberships(settings)
    memberships = await members.open()
    organizations = PlacedOrganizations(db, standings, memberships)  # their areas, from the registry's events
    placed = await organizations.load()  # first: a member's movement naming no place counts where its organisation is

    def counted(movement: Movement) -> None:
        balances.put(movement)
        standings.put(movement)

    movements = MongoMovementRepository(db["movements"], on_events=relay.wake, read_model=counted, relay=relay)
    await movements.ensure_indexes()
    loaded = await movements.load()
    attendances = AttendanceRepository(db["attendances"], on_events=relay.wake)
    await attendances.ensure_indexes()
    ports = Ports(
        movements,
        MongoRuleRepository(db["rules"]),
        MongoNeedRepository(db["needs"]),
        memberships,
        MongoAttendedRepository(db["attended"]),
        attendances,
        MongoConsentRepository(db["consents"]),
        organizations,
        settings.checkin_key,
        settings.certificate_key,
    )
    parts = build(ports, balances, standings)
    rules = await parts.rules.load()
    fields = {"movements": loaded, "organizations": placed, "rules_version": rules.version}
    log.info("ledger loaded", extra={"fields": fields})
    registration_store = MongoRegistrationRepository(db["registrations"], on_events=relay.wake)
    await registration_store.ensure_indexes()
    registrations = Registrations(registration_store, memberships, MongoCredits(db["movements"]))
    timebank_store = MongoTimebankRepository(db)
    await timebank_store.ensure_indexes()
    timebank = Timebank(parts.ledger, timebank_store)
    if finished := await timebank.reconcile(holding_before=datetime.now(UTC)):
        log.warning("time bank asks left half done were finished", extra={"fields": {"asks": finished}})
    shop = await _shop(infra, parts.ledger, organizations, relay.wake)
    app.state.components.add(*parts.all(), registrations, timebank, shop)
    app.state.components.add_as(KnownOrganizations, organizations)
    handlers = consumers.handlers(
        parts.earning, organizations, parts.attendances, parts.attendance_earning, batched=settings.batch_events
    )
    consumer = event_consumer(infra, handlers)
    sweeps = sweeping(shop.sweep, settings.sweep_seconds), sweeping(timebank.sweep, settings.sweep_seconds)
    async with background(members.run(), relay.run(), consumer.run(), *sweeps):
        yield


async def _shop(infra: Infra, ledger: Ledger, organizations: KnownOrganizations, wake: Callable[[], None]) -> Shop:
    """The points shop on its collections, what a crash left half done finished before any request."""
    items = MongoItemRepository(infra.db["shop_items"], lambda: None)  # items carry no events
    orders = MongoOrderRepository(infra.db["orders"], wake)
    await items.ensure_indexes()
    await orders.ensure_indexes()
    settings = infra.settings
    assert isinstance(settings, Settings)
    shop = Shop(items, orders, ledger, organizations, pickup_days=settings.pickup_days)
    finished = await shop.reconcile(pending_before=datetime.now(UTC))
    if finished:
        log.warning("shop orders left half done were finished", extra={"fields": {"orders": finished}})
    return shop


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Points",
        routers=ROUTERS,
        wire=wire,
        topics=[POINTS_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC, ORGANIZATIONS_TOPIC, MEMBERS_TOPIC],
        # the running balances and the daily cap are kept in memory: one writer (runtime.lease)
        lease="points",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
