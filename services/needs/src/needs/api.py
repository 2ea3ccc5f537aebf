"""The needs service's HTTP routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from needs import service
from needs.models import Need
from needs.repository import NeedRepository
from needs.schemas import NeedCreate, NeedOut
from shared.known_organizations import KnownOrganizationsDep
from shared.pagination import Cursor, Limit, Page, page_of

router = APIRouter(prefix="/needs", tags=["needs"])


def _repo(request: Request) -> NeedRepository:
    repo: NeedRepository = request.app.state.repo
    return repo


Repo = Annotated[NeedRepository, Depends(_repo)]


@router.post("", status_code=201, response_model=NeedOut)
async def post_need(body: NeedCreate, repo: Repo, organizations: KnownOrganizationsDep) -> Need:
    """Posts a need; `need.posted` follows on Kafka."""
    return await service.post_need(body, repo=repo, organizations=organizations)


@router.get("/{need_id}", response_model=NeedOut)
async def get_need(need_id: str, repo: Repo) -> Need:
    """One need by id."""
    return await service.get_need(need_id, repo=repo)


@router.get("", response_model=Page[NeedOut])
async def list_needs(
    repo: Repo,
    organization_id: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """Needs in id order, optionally of one organisation."""
    where = {"organization_id": organization_id} if organization_id else {}
    return page_of(await repo.page(after=cursor, limit=limit, where=where), limit)
