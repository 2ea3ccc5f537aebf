"""Composition root of the points service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from contract.events import NEEDS_TOPIC, ORGANIZATIONS_TOPIC, POINTS_TOPIC, RESOURCES_TOPIC
from points import consumers
from points.config import Settings
from points.earning.needs import MongoNeedRepository
from points.earning.service import Earning, NeedRepository
from points.ledger import api as ledger_api
from points.ledger.repository import MongoMovementRepository, MovementRepository
from points.ledger.service import Ledger
from points.ledger.view import Balances
from points.rules import api as rules_api
from points.rules.repository import MongoRuleRepository, RuleRepository
from points.rules.service import Rules
from runtime import known_organizations
from runtime.app import Infra, background, create_service_app, event_consumer, outbox_relay, serve
from runtime.known_organizations import KnownOrganizations
from runtime.outbox import ensure_outbox_index

log = logging.getLogger(__name__)

ROUTERS = [ledger_api.router, rules_api.router, known_organizations.router]


@dataclass(frozen=True)
class Ports:
    """Where the use cases keep things: MongoDB in `wire`, fakes in in-process tests."""

    movements: MovementRepository
    rules: RuleRepository
    needs: NeedRepository


@dataclass(frozen=True)
class Parts:
    """The use cases on their ports, and the running balances they answer from."""

    ledger: Ledger
    rules: Rules
    earning: Earning
    balances: Balances

    def all(self) -> tuple[object, ...]:
        return self.ledger, self.rules, self.earning, self.balances


def build(ports: Ports, balances: Balances) -> Parts:
    """The service's parts, made of its ports: nothing here connects to anything."""
    ledger = Ledger(ports.movements, balances)
    rules = Rules(ports.rules)
    return Parts(ledger=ledger, rules=rules, earning=Earning(ledger, rules, ports.needs), balances=balances)


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    """The parts on MongoDB and Kafka: the balances loaded from every movement, the rules
    (seeded at the first start), then the consumer and the outbox relay."""
    db = infra.db
    await ensure_outbox_index(db["movements"])
    relay = outbox_relay(infra, [db["movements"]])
    balances = Balances()
    movements = MongoMovementRepository(db["movements"], on_events=relay.wake, read_model=balances.put, relay=relay)
    await movements.ensure_indexes()
    loaded = await movements.load()
    parts = build(Ports(movements, MongoRuleRepository(db["rules"]), MongoNeedRepository(db["needs"])), balances)
    rules = await parts.rules.load()
    log.info("ledger loaded", extra={"fields": {"movements": loaded, "rules_version": rules.version}})
    organizations = KnownOrganizations(db)  # their areas and members, from the registry's events
    app.state.components.add(*parts.all(), organizations)
    handlers = consumers.handlers(parts.earning, organizations, batched=settings.batch_events)
    consumer = event_consumer(infra, handlers)
    async with background(relay.run(), consumer.run()):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Points",
        routers=ROUTERS,
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[POINTS_TOPIC, NEEDS_TOPIC, RESOURCES_TOPIC, ORGANIZATIONS_TOPIC],
        # the running balances and the daily cap are kept in memory: one writer (runtime.lease)
        lease="points",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
