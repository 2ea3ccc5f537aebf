"""The registry's use cases."""

from __future__ import annotations

from organizations.models import Organization
from organizations.repository import OrganizationRepository
from organizations.schemas import OrganizationCreate
from shared.errors import InvalidReference, NotFound
from shared.events import OrganizationRegistered, OrganizationRegisteredData
from shared.ids import new_id

SOURCE = "/services/organizations"


async def register_organization(cmd: OrganizationCreate, *, repo: OrganizationRepository) -> Organization:
    """Registers an organisation under its parent (if any) and announces it."""
    if cmd.parent_id is not None and await repo.get(cmd.parent_id) is None:
        raise InvalidReference(f"unknown parent organization {cmd.parent_id!r}", field="parent_id")
    organization = Organization(id=new_id(), **cmd.model_dump())
    registered = OrganizationRegistered(
        source=SOURCE,
        subject=organization.id,
        data=OrganizationRegisteredData(
            organization_id=organization.id,
            name=organization.name,
            kind=organization.kind,
            area_code=organization.area_code,
        ),
    )
    await repo.add(organization, [registered])
    return organization


async def get_organization(organization_id: str, *, repo: OrganizationRepository) -> Organization:
    """One organisation, or NotFound."""
    organization = await repo.get(organization_id)
    if organization is None:
        raise NotFound(f"no organization {organization_id!r}")
    return organization
