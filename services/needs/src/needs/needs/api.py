"""The needs routes: needs and their claims, the history import, and the statistics."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from contract.bodies.needs import ClaimCreate, ClaimDone, NeedCreate, NeedEdit
from contract.errors import Unprocessable
from contract.events.needs import NeedStatus
from contract.schemas import AREA_PATTERN, ID_PATTERN, Moment
from contract.taxonomy import Category
from needs.needs.models import Claim, Need
from needs.needs.schemas import HistoryImport, NeedOut
from needs.needs.service import ClaimAction, NeedAction, Needs, may_see
from needs.needs.view import NeedsView, in_area
from runtime.actors import MaybeActor
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Ids, Limit, Page, page_of
from runtime.params import AreaQuery, IdQuery
from runtime.tallies import PLATFORM

router = APIRouter(tags=["needs"])

NeedsDep = Annotated[Needs, Depends(provided(Needs))]
ViewDep = Annotated[NeedsView, Depends(provided(NeedsView))]


@router.post("/needs", status_code=201, response_model=NeedOut)
async def post_need(body: NeedCreate, needs: NeedsDep, actor: ActiveActor) -> Need:
    """Posts a need of the acting organisation; `need.posted` follows on Kafka (none for a draft)."""
    return await needs.post(body, actor)


AreaCode = Annotated[str, Field(pattern=AREA_PATTERN)]
NeedOrder = Literal["id", "newest", "soonest", "nearest"]
LATEST = datetime.max.replace(tzinfo=UTC)


def _far(lat: float | None, lon: float | None) -> Callable[[Need], tuple[float, str]]:
    def km(need: Need) -> tuple[float, str]:
        if need.lat is None or need.lon is None or lat is None or lon is None:
            return math.inf, need.id
        dlat, dlon = math.radians(need.lat - lat), math.radians(need.lon - lon)
        a = (
            math.sin(dlat / 2) ** 2
            + math.cos(math.radians(lat)) * math.cos(math.radians(need.lat)) * math.sin(dlon / 2) ** 2
        )
        return 2 * 6371 * math.asin(math.sqrt(a)), need.id

    return km


# each order's sort key (ties by id, so a page's cursor holds its place)
ORDERS: dict[str, Callable[[float | None, float | None], Callable[[Need], Any]]] = {
    "newest": lambda lat, lon: lambda n: (-n.created_at.timestamp(), n.id),
    "soonest": lambda lat, lon: lambda n: (n.starts_at or n.deadline or LATEST, n.id),
    "nearest": _far,
}


@router.get("/needs", response_model=Page[NeedOut])
async def list_needs(
    view: ViewDep,
    needs: NeedsDep,
    actor: MaybeActor,
    ids: Ids = None,
    organization_id: IdQuery = None,
    claimed_by: Annotated[str | None, Query(pattern=ID_PATTERN, description="an organisation")] = None,
    category: Category | None = None,
    area_code: AreaQuery = None,
    status: Annotated[list[NeedStatus] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=50, description="part of the title or description")] = None,
    starts_from: Annotated[Moment | None, Query(description="starting at or after")] = None,
    starts_to: Annotated[Moment | None, Query(description="starting before")] = None,
    order: Annotated[NeedOrder, Query(description="id order unless asked: newest, soonest, nearest")] = "id",
    lat: Annotated[float | None, Query(ge=-90, le=90, description="for `nearest`")] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, description="for `nearest`")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    """The needs the caller may see, in id order: of one organisation, claimed by one, of a
    category, area subtree, status, starting between two times, or with `q` in its title or description;
    with `ids`, those of them only (one request for a page of proposals' needs, say), each shown
    or not as `GET /needs/{id}` would."""
    within = in_area(area_code) if area_code else None

    def starts_between(need: Need) -> bool:
        if starts_from is None and starts_to is None:
            return True
        return (
            need.starts_at is not None
            and (starts_from is None or need.starts_at >= starts_from)
            and (starts_to is None or need.starts_at < starts_to)
        )

    def keep(need: Need) -> bool:
        return (
            (organization_id is None or need.organization_id == organization_id)
            and (claimed_by is None or any(c.organization_id == claimed_by for c in need.claims))
            and (category is None or need.category is category)
            and (status is None or need.status in status)
            and (within is None or within(need))
            and (q is None or q in need.title or q in need.description)
            and starts_between(need)
            and may_see(need, actor, needs.partners)
        )

    if ids is not None:
        found = [n for n in await needs.get_many(ids) if keep(n) and (cursor is None or n.id > cursor)]
        return page_of(found[:limit], limit)
    among = view.among(posted_by=organization_id, claimed_by=claimed_by)
    if order == "id":
        return page_of(view.browse(keep, after=cursor, limit=limit, among=among), limit)
    if order == "nearest" and (lat is None or lon is None):
        raise Unprocessable("nearest needs lat and lon", field="lat")
    ordered = sorted(view.browse(keep, after=None, limit=len(view.needs), among=among), key=ORDERS[order](lat, lon))
    start = next((i + 1 for i, n in enumerate(ordered) if n.id == cursor), 0) if cursor else 0
    return page_of(ordered[start : start + limit], limit)


@router.post("/needs/history")
async def import_history(body: HistoryImport, needs: NeedsDep, actor: ActiveActor) -> dict[str, int]:
    """Needs fulfilled in the past, with their completed claims, up to 1,000 a request: an
    administrator of their area imports them so the statistics count the past. A need whose id
    is stored already is left as it is."""
    return await needs.import_history(body, actor)


@router.get("/needs/{need_id}", response_model=NeedOut)
async def get_need(need_id: str, needs: NeedsDep, actor: MaybeActor) -> Need:
    """One need with its claims."""
    return await needs.get(need_id, actor)


@router.patch("/needs/{need_id}", response_model=NeedOut)
async def edit_need(need_id: str, body: NeedEdit, needs: NeedsDep, actor: ActiveActor) -> Need:
    """Edits a need that is a draft, open or partly claimed (its posting organisation only)."""
    return await needs.edit(need_id, body, actor)


@router.post("/needs/{need_id}/claims", status_code=201, response_model=Claim)
async def claim_need(need_id: str, body: ClaimCreate, needs: NeedsDep, actor: ActiveActor) -> Claim:
    """Claims all or part of a need's quantity; 409 when less is left, or the need takes no claims."""
    return await needs.claim(need_id, body, actor)


@router.post("/needs/{need_id}/claims/{claim_id}/{action}", response_model=NeedOut)
async def act_on_claim(
    need_id: str, claim_id: str, action: ClaimAction, needs: NeedsDep, actor: ActiveActor, body: ClaimDone | None = None
) -> Need:
    """`start` (the claimer or the poster), `release` (the claimer), `complete` (the poster, with
    the person-times served; the claim's quantity if no body says)."""
    return await needs.act_on_claim(need_id, claim_id, action, actor, body)


@router.post("/needs/{need_id}/{action}", response_model=NeedOut)
async def act_on_need(need_id: str, action: NeedAction, needs: NeedsDep, actor: ActiveActor) -> Need:
    """Moves a need on: `publish` a draft, `start` the work, `fulfil`, `confirm`, `cancel`.
    A move the lifecycle does not allow answers 409 with the current status and the allowed ones."""
    return await needs.act(need_id, action, actor)


@router.get("/stats/organizations")
async def responsive_organizations(
    view: ViewDep, area_code: AreaQuery = None, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> dict[str, object]:
    """The organisations most responsive to the needs of the area's subtree (or the platform):
    by claims completed, then claims made; with the median hours from posting to claim."""
    return {"items": view.responsive(area_code or PLATFORM, limit)}


@router.get("/stats/areas")
async def statistics_of_areas(
    view: ViewDep, area_code: Annotated[list[AreaCode], Query(min_length=1, max_length=200, description="the areas")]
) -> dict[str, object]:
    """The totals of `/stats` for each of several areas at once (the areas below a node,
    compared), in the order asked."""
    return {"items": [{"area_code": code, "totals": view.stats(code)["totals"]} for code in area_code]}


@router.get("/stats")
async def statistics(view: ViewDep, area_code: AreaQuery = None) -> dict[str, object]:
    """Needs posted, claims fulfilled (person-times), needs fulfilled, open and overdue, for the
    whole platform or one node of the area hierarchy; by category and by month."""
    return {"area_code": area_code, **view.stats(area_code or PLATFORM)}
