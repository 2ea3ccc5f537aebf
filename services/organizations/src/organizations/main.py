"""Composition root of the organisation registry."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from contract.events import ORGANIZATIONS_TOPIC
from organizations import api
from organizations.api.imports import Importer
from organizations.config import Settings
from organizations.imports import ImportTargets, interrupt_unfinished
from organizations.repository import (
    MongoApiKeyRepository,
    MongoAreaRepository,
    MongoImportJobRepository,
    MongoMemberRepository,
    MongoOrganizationRepository,
)
from organizations.view import RegistryView
from runtime.app import Infra, background, create_service_app, outbox_relay, serve
from runtime.outbox import ensure_outbox_index

log = logging.getLogger(__name__)


async def load_view(
    view: RegistryView,
    areas: MongoAreaRepository,
    organizations: MongoOrganizationRepository,
    members: MongoMemberRepository,
) -> None:
    """The read model, from the database: areas, then organisations, then memberships (only
    those fields of the 220,000 members)."""
    started = time.perf_counter()
    await areas.load()
    await organizations.load()
    async for member_id, organization_ids, digest in members.memberships():
        view.put_membership(member_id, organization_ids)
        view.member_digests[member_id] = digest
    fields = {
        "areas": len(view.areas),
        "organizations": len(view.organizations),
        "members": len(view.memberships),
        "seconds": round(time.perf_counter() - started, 2),
    }
    log.info("read model loaded", extra={"fields": fields})


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    db = infra.db
    for name in ("organizations", "members", "areas", "api_keys", "imports"):
        await ensure_outbox_index(db[name])
    await db["members"].create_index("organization_ids")
    await db["api_keys"].create_index("organization_id")
    await db["imports"].create_index("status")
    await db["outbox_groups"].create_index("pending")
    relay = outbox_relay(infra, [db["organizations"], db["members"]])
    personal = settings.personal_data()
    view = RegistryView()
    areas = MongoAreaRepository(db["areas"], on_events=relay.wake, read_model=view.put_area)
    organizations = MongoOrganizationRepository(
        db["organizations"], on_events=relay.wake, relay=relay, personal=personal, read_model=view.put_organization
    )
    members = MongoMemberRepository(
        db["members"], on_events=relay.wake, relay=relay, personal=personal, read_model=view.put_member
    )
    keys = MongoApiKeyRepository(db["api_keys"], on_events=relay.wake)
    jobs = MongoImportJobRepository(db["imports"], on_events=relay.wake)
    await interrupt_unfinished(jobs)
    await load_view(view, areas, organizations, members)
    importer = Importer(ImportTargets(areas, organizations, members, jobs, personal.digest))
    app.state.components.add(settings, areas, organizations, members, keys, view, importer)
    async with background(relay.run()):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Organisation registry",
        routers=api.routers,
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[ORGANIZATIONS_TOPIC],
        body_limits={"/imports": settings.import_max_bytes},
        # versioned updates and a read model of its own writes: one writer on FerretDB
        lease="organizations",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
