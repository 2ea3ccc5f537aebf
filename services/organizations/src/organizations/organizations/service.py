"""The organisations' use cases: registration in an area and under a Party parent, changes of
profile and status (each announced), and finding one."""

from __future__ import annotations

from typing import Any

from contract.errors import Conflict, InvalidReference, NotFound
from contract.events import Envelope, data_of
from contract.events.organizations import (
    OrganizationRegistered,
    OrganizationRegisteredData,
    OrganizationStatus,
    OrganizationSuspended,
    OrganizationSuspendedData,
    OrganizationUpdated,
    OrganizationUpdatedData,
)
from contract.ids import entity_id, new_id
from organizations.common import SOURCE, now
from organizations.organizations.models import Contact, Organization
from organizations.organizations.repository import OrganizationRepository
from organizations.organizations.schemas import OrganizationCreate, OrganizationUpdate, StatusChange
from organizations.view import RegistryView


def registered(organization: Organization) -> OrganizationRegistered:
    data = data_of(OrganizationRegisteredData, organization, organization_id=organization.id)
    return OrganizationRegistered(source=SOURCE, subject=organization.id, data=data)


def updated(organization: Organization) -> OrganizationUpdated:
    data = data_of(OrganizationUpdatedData, organization, organization_id=organization.id)
    return OrganizationUpdated(source=SOURCE, subject=organization.id, data=data)


class Organizations:
    def __init__(self, repo: OrganizationRepository, view: RegistryView) -> None:
        self.repo = repo
        self.view = view

    def check_party_parent(self, organization_id: str, parent_id: str | None) -> str | None:
        """Why `parent_id` cannot be the organisation's Party parent, or None."""
        if parent_id is None:
            return None
        if parent_id not in self.view.organizations:
            return f"unknown party parent organization {parent_id!r}"
        if parent_id == organization_id or organization_id in self.view.party_ancestors(parent_id):
            return "that party parent would make a cycle in the Party hierarchy"
        return None

    async def register(self, cmd: OrganizationCreate) -> Organization:
        """Registers an organisation in its area (and under its Party parent) and announces it."""
        if cmd.code is not None and cmd.code in self.view.by_code:
            raise Conflict(f"an organization with code {cmd.code!r} exists already", field="code")
        if cmd.area_code not in self.view.areas:
            raise InvalidReference(f"unknown area {cmd.area_code!r}", field="area_code")
        organization_id = entity_id("organization", cmd.code) if cmd.code else new_id()
        if problem := self.check_party_parent(organization_id, cmd.party_parent_id):
            raise InvalidReference(problem, field="party_parent_id")
        organization = Organization(
            id=organization_id,
            code=cmd.code or organization_id,
            contacts=[Contact(**c.model_dump()) for c in cmd.contacts],
            **cmd.model_dump(exclude={"code", "contacts"}),
        )
        await self.repo.add(organization, [registered(organization)])
        return organization

    def get(self, organization_id: str) -> Organization:
        """One organisation, or NotFound."""
        if organization_id not in self.view.organizations:
            raise NotFound(f"no organization {organization_id!r}")
        return self.view.organizations[organization_id]

    async def _save(self, current: Organization, changes: dict[str, Any], events: list[Envelope]) -> Organization:
        changed = current.model_copy(update={**changes, "version": current.version + 1, "updated_at": now()})
        if not await self.repo.update(changed, [*events, updated(changed)], expected_version=current.version):
            raise Conflict("the organization was changed meanwhile: read it again", version=current.version)
        return changed

    async def update(self, organization_id: str, cmd: OrganizationUpdate) -> Organization:
        """Changes the fields given, if the version read is still the current one."""
        current = self.get(organization_id)
        if cmd.version != current.version:
            raise Conflict("the organization was changed meanwhile: read it again", version=current.version)
        changes = cmd.model_dump(exclude_unset=True, exclude={"version"})
        if "area_code" in changes and changes["area_code"] not in self.view.areas:
            raise InvalidReference(f"unknown area {changes['area_code']!r}", field="area_code")
        if "party_parent_id" in changes and (
            problem := self.check_party_parent(organization_id, changes["party_parent_id"])
        ):
            raise InvalidReference(problem, field="party_parent_id")
        if "contacts" in changes:
            changes["contacts"] = [Contact(**c) for c in changes["contacts"]]
        return await self._save(current, changes, [])

    async def change_status(self, organization_id: str, cmd: StatusChange) -> Organization:
        """Suspends, reinstates or dissolves an organisation; a suspension is announced as such."""
        current = self.get(organization_id)
        if current.status == OrganizationStatus.DISSOLVED:
            raise Conflict("a dissolved organization cannot change its status", status=current.status)
        events: list[Envelope] = []
        if cmd.status == OrganizationStatus.SUSPENDED:
            data = OrganizationSuspendedData(organization_id=organization_id, reason=cmd.reason)
            events.append(OrganizationSuspended(source=SOURCE, subject=organization_id, data=data))
        return await self._save(current, {"status": cmd.status}, events)
