"""The registry's HTTP routes: thin, each one use case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from organizations import service
from organizations.models import Organization
from organizations.repository import OrganizationRepository
from organizations.schemas import OrganizationCreate, OrganizationOut
from shared.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/organizations", tags=["organizations"])


def _repo(request: Request) -> OrganizationRepository:
    repo: OrganizationRepository = request.app.state.repo
    return repo


Repo = Annotated[OrganizationRepository, Depends(_repo)]


@router.post("", status_code=201, response_model=OrganizationOut)
async def register_organization(body: OrganizationCreate, repo: Repo) -> Organization:
    """Registers an organisation; `organization.registered` follows on Kafka."""
    return await service.register_organization(body, repo=repo)


@router.get("/{organization_id}", response_model=OrganizationOut)
async def get_organization(organization_id: str, repo: Repo) -> Organization:
    """One organisation by id."""
    return await service.get_organization(organization_id, repo=repo)


@router.get("", response_model=Page[OrganizationOut])
async def list_organizations(repo: Repo, cursor: Cursor = None, limit: Limit = 50) -> dict[str, object]:
    """Organisations in id order, a page at a time."""
    return page_of(await repo.page(after=cursor, limit=limit), limit)
