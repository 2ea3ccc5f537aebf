"""The gateway's routes: the partner API under /api/v1 and the portal's pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from gateway import pages, service
from gateway.models import PartnerIdentity
from gateway.repository import PartnerKeys, Upstream
from shared.actors import Actor, ActorKind, sign
from shared.errors import Forbidden, Unauthorized
from shared.pagination import Cursor, Limit

api = APIRouter(prefix="/api/v1", tags=["partner API"])
portal = APIRouter(include_in_schema=False)

Id = Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")]
NeedId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


class Upstreams:
    def __init__(self, request: Request) -> None:
        state = request.app.state
        self.matching: Upstream = state.matching
        self.needs: Upstream = state.needs
        self.resources: Upstream = state.resources


UpstreamsDep = Annotated[Upstreams, Depends()]


async def _partner(request: Request, authorization: Annotated[str | None, Header()] = None) -> PartnerIdentity:
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("the partner API needs an API key: Authorization: Bearer <key>")
    keys: PartnerKeys = request.app.state.partner_keys
    return await keys.identify(key.strip())


Partner = Annotated[PartnerIdentity, Depends(_partner)]


@api.get("/proposals")
async def list_proposals(
    up: UpstreamsDep,
    partner: Partner,
    need_id: Id = None,
    organization_id: Id = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """Match proposals involving the key's organisation, each with its need and supply item and
    the reasons for its score."""
    if organization_id not in (None, partner.organization_id):
        raise Forbidden("an API key sees its own organization's proposals only")
    mine = {"need_id": need_id, "organization_id": partner.organization_id, "cursor": cursor}
    params = {k: v for k, v in mine.items() if v}
    views, next_cursor = await service.list_proposals(
        {**params, "limit": limit}, matching=up.matching, needs=up.needs, resources=up.resources
    )
    return {"items": views, "next_cursor": next_cursor}


def _acting_for(partner: PartnerIdentity, request: Request, scope: str | None = None) -> str:
    """The `X-Actor` token for the key's organisation; Forbidden without the scope asked for."""
    if scope is not None and scope not in partner.scopes:
        raise Forbidden(f"this API key lacks the {scope!r} scope", scopes=partner.scopes)
    actor = Actor(kind=ActorKind.ORGANIZATION, organization_id=partner.organization_id)
    return sign(actor, request.app.state.infra.settings.actor_secret)


@api.get("/needs")
async def list_needs(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Needs the key's organisation may see: the needs service's `GET /needs`, same filters and cursors."""
    return await up.needs.forward(request, "/needs", _acting_for(partner, request, "read"))


@api.post("/needs", status_code=201)
async def post_need(request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Posts a need of the key's organisation (scope `needs:write`); the body is the needs
    service's `POST /needs`."""
    return await up.needs.forward(request, "/needs", _acting_for(partner, request, "needs:write"))


@api.get("/needs/{need_id}")
async def get_need(need_id: NeedId, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """One need with its claims."""
    return await up.needs.forward(request, f"/needs/{need_id}", _acting_for(partner, request, "read"))


@api.post("/needs/{need_id}/claims", status_code=201)
async def claim_need(need_id: NeedId, request: Request, up: UpstreamsDep, partner: Partner) -> Response:
    """Claims part or all of a need for the key's organisation (scope `needs:write`), body
    `{"quantity": n}`; 409 when less is left."""
    return await up.needs.forward(request, f"/needs/{need_id}/claims", _acting_for(partner, request, "needs:write"))


@portal.get("/", response_class=HTMLResponse)
async def home(up: UpstreamsDep) -> str:
    """The portal's first page: the newest match proposals."""
    views, _ = await service.list_proposals({"limit": 50}, matching=up.matching, needs=up.needs, resources=up.resources)
    return pages.proposals_page(views)
