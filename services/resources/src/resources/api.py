"""The resources service's HTTP routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from resources import service
from resources.models import Resource
from resources.repository import ResourceRepository
from resources.schemas import ResourceCreate, ResourceOut
from shared.known_organizations import KnownOrganizationsDep
from shared.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/resources", tags=["resources"])


def _repo(request: Request) -> ResourceRepository:
    repo: ResourceRepository = request.app.state.repo
    return repo


Repo = Annotated[ResourceRepository, Depends(_repo)]


@router.post("", status_code=201, response_model=ResourceOut)
async def share_resource(body: ResourceCreate, repo: Repo, organizations: KnownOrganizationsDep) -> Resource:
    """Shares a venue, lendable or service; `resource.published` follows on Kafka."""
    return await service.share_resource(body, repo=repo, organizations=organizations)


@router.get("/{resource_id}", response_model=ResourceOut)
async def get_resource(resource_id: str, repo: Repo) -> Resource:
    """One resource by id."""
    return await service.get_resource(resource_id, repo=repo)


@router.get("", response_model=Page[ResourceOut])
async def list_resources(
    repo: Repo,
    organization_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """Resources in id order, optionally of one organisation."""
    where = {"organization_id": organization_id} if organization_id else {}
    return page_of(await repo.page(after=cursor, limit=limit, where=where), limit)
