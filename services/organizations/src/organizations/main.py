"""Composition root of the organisation registry."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

import contract
import organizations as code
import runtime
from contract.events import MEMBERS_TOPIC, ORGANIZATIONS_TOPIC
from organizations.areas import api as areas_api
from organizations.areas.repository import AreaRepository, MongoAreaRepository
from organizations.areas.service import Areas
from organizations.config import Settings
from organizations.imports import api as imports_api
from organizations.imports.repository import MongoImportJobRepository
from organizations.imports.service import Importer, ImportTargets
from organizations.keys import api as keys_api
from organizations.keys.repository import ApiKeyRepository, MongoApiKeyRepository
from organizations.keys.service import Keys
from organizations.members import api as members_api
from organizations.members.repository import MemberRepository, MongoMemberRepository
from organizations.members.service import Members
from organizations.organizations import api as organizations_api
from organizations.organizations.models import Organization
from organizations.organizations.repository import MongoOrganizationRepository, OrganizationRepository
from organizations.organizations.service import Organizations
from organizations.view import RegistryView
from runtime.app import Infra, background, create_service_app, kept_read_model, outbox_relay, serve
from runtime.outbox import ensure_outbox_index
from runtime.replica import Refresh, refreshing

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
        view.put_membership(member_id, organization_ids, digest)
    fields = {
        "areas": len(view.areas),
        "organizations": len(view.organizations),
        "members": len(view.memberships),
        "seconds": round(time.perf_counter() - started, 2),
    }
    log.info("read model loaded", extra={"fields": fields})


def refreshing_organizations(
    view: RegistryView, areas: MongoAreaRepository, organizations: MongoOrganizationRepository
) -> Refresh:
    """Organisations read again into the view, the area tree first when one of them is in an
    area the view does not know yet (areas are imported, and have no events of their own)."""

    async def refresh(ids: Sequence[str]) -> None:
        found: list[Organization] = await organizations.get_many(ids)
        if any(organization.area_code not in view.areas for organization in found):
            await areas.load()
        for organization in found:
            view.put_organization(organization)

    return refresh


@dataclass(frozen=True)
class Ports:
    """Where the registry keeps areas, organisations, members, keys, and what imports write to."""

    areas: AreaRepository
    organizations: OrganizationRepository
    members: MemberRepository
    keys: ApiKeyRepository
    imports: ImportTargets


@dataclass(frozen=True)
class Parts:
    """The use cases on their ports, and the read model they answer from."""

    areas: Areas
    organizations: Organizations
    members: Members
    keys: Keys
    importer: Importer
    view: RegistryView

    def all(self) -> tuple[object, ...]:
        return self.view, self.areas, self.organizations, self.members, self.keys, self.importer


def build(ports: Ports, view: RegistryView) -> Parts:
    """The registry's parts, made of its ports: nothing here connects to anything."""
    return Parts(
        areas=Areas(ports.areas, view),
        organizations=Organizations(ports.organizations, view),
        members=Members(ports.members, view),
        keys=Keys(ports.keys, view),
        importer=Importer(ports.imports, view),
        view=view,
    )


@asynccontextmanager
async def wire(app: FastAPI, infra: Infra, settings: Settings) -> AsyncIterator[None]:
    """The parts on MongoDB and Kafka: the repositories (each keeping the read model, restored
    from its snapshot or loaded after imports a stopped process left running are marked
    interrupted, then kept from the registry's two topics) and, for a writer, the relay."""
    db = infra.db
    for name in ("organizations", "members", "areas", "api_keys", "imports"):
        await ensure_outbox_index(db[name])
    await db["members"].create_index("organization_ids")
    await db["api_keys"].create_index("organization_id")
    await db["imports"].create_index("status")
    await db["outbox_groups"].create_index("pending")
    relay = outbox_relay(infra, [db["organizations"], db["members"]])
    personal = settings.personal_data()
    kept = kept_read_model(infra, [ORGANIZATIONS_TOPIC, MEMBERS_TOPIC], RegistryView, code, contract, runtime)
    view = await kept.open()
    area_repo = MongoAreaRepository(db["areas"], on_events=relay.wake, read_model=view.put_area)
    organization_repo = MongoOrganizationRepository(
        db["organizations"], on_events=relay.wake, relay=relay, personal=personal, read_model=view.put_organization
    )
    member_repo = MongoMemberRepository(
        db["members"], on_events=relay.wake, relay=relay, personal=personal, read_model=view.put_member
    )
    key_repo = MongoApiKeyRepository(db["api_keys"], on_events=relay.wake)
    jobs = MongoImportJobRepository(db["imports"], on_events=relay.wake)
    imports = ImportTargets(area_repo, organization_repo, member_repo, jobs, personal.digest)
    parts = build(Ports(area_repo, organization_repo, member_repo, key_repo, imports), view)
    organization_repo.written = member_repo.written = kept.written
    if settings.writes:
        await parts.importer.interrupt_unfinished()
    if not kept.restored:
        await load_view(view, area_repo, organization_repo, member_repo)
    organizations = refreshing_organizations(view, area_repo, organization_repo)
    await kept.catch_up({"organization": organizations, "member": refreshing(member_repo.get_many, view.put_member)})
    app.state.components.add(settings, *parts.all())
    async with background(kept.run(), *([relay.run()] if settings.writes else [])):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="Organisation registry",
        routers=[areas_api.router, organizations_api.router, members_api.router, keys_api.router, imports_api.router],
        wire=lambda app, infra: wire(app, infra, settings),
        topics=[ORGANIZATIONS_TOPIC, MEMBERS_TOPIC],
        body_limits={"/imports": settings.import_max_bytes},
        # versioned updates and a read model of its own writes: one writer on FerretDB
        lease="organizations",
    )


def run() -> None:
    settings = Settings()
    serve(create_app(settings), settings)
