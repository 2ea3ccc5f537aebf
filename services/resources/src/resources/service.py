"""The resources service's use cases."""

from __future__ import annotations

from resources.models import Resource
from resources.repository import ResourceRepository
from resources.schemas import ResourceCreate
from shared.errors import NotFound
from shared.events import ResourcePublished, ResourcePublishedData
from shared.ids import new_id
from shared.known_organizations import OrganizationLookup

SOURCE = "/services/resources"


async def share_resource(
    cmd: ResourceCreate, *, repo: ResourceRepository, organizations: OrganizationLookup
) -> Resource:
    """Publishes a venue, lendable or service of a registered organisation and announces it."""
    await organizations.require(cmd.organization_id)
    resource = Resource(id=new_id(), **cmd.model_dump())
    published = ResourcePublished(
        source=SOURCE,
        subject=resource.id,
        data=ResourcePublishedData(
            resource_id=resource.id,
            organization_id=resource.organization_id,
            kind=resource.kind,
            name=resource.name,
            category=resource.category,
            area_code=resource.area_code,
            capacity=resource.capacity,
        ),
    )
    await repo.add(resource, [published])
    return resource


async def get_resource(resource_id: str, *, repo: ResourceRepository) -> Resource:
    """One resource, or NotFound."""
    resource = await repo.get(resource_id)
    if resource is None:
        raise NotFound(f"no resource {resource_id!r}")
    return resource
