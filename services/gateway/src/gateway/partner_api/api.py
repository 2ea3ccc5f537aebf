"""The partner API's routes under /api/v1: the proposals of the key's organisation with their
needs and supply, the passages to the services made from their table (`partner_api.passages`),
the city's figures, and a person's points balance with the person's consent."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from inspect import Parameter, Signature
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from contract.errors import Forbidden
from gateway import service
from gateway.partner_api.keys import Partner, acting_for, scoped
from gateway.partner_api.passages import PASSAGES, Passage
from gateway.upstreams import Upstream, Upstreams
from runtime.app import component, provided
from runtime.pagination import Cursor, Limit
from runtime.params import IdPath, IdQuery

api = APIRouter(prefix="/api/v1", tags=["partner API"])


UpstreamsDep = Annotated[Upstreams, Depends(provided(Upstreams))]


@api.get("/proposals")
async def list_proposals(
    request: Request,
    up: UpstreamsDep,
    partner: Partner,
    need_id: IdQuery = None,
    organization_id: IdQuery = None,
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
        {**params, "limit": limit},
        actor=acting_for(partner, request, "read"),
        matching=up.matching,
        needs=up.needs,
        resources=up.resources,
    )
    return {"items": views, "next_cursor": next_cursor}


def _passage(passage: Passage) -> Callable[..., Awaitable[Response]]:
    """The route of one passage: the key's scope checked first (only a body that is no JSON at
    all is refused before), then its body validated with the contract's schema, as the service
    will validate it, then the request passed on as it came."""

    async def endpoint(request: Request, up: UpstreamsDep, actor: str, **_: Any) -> Response:
        path = passage.path.format(**request.path_params)
        upstream: Upstream = getattr(up, passage.service)
        return await upstream.forward(request, path, actor)

    parameters = [
        Parameter("request", Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        Parameter("up", Parameter.POSITIONAL_OR_KEYWORD, annotation=UpstreamsDep),
        Parameter("actor", Parameter.POSITIONAL_OR_KEYWORD, annotation=Annotated[str, Depends(scoped(passage.scope))]),
    ]
    for name in re.findall(r"{(\w+)}", passage.path):
        words = passage.words.get(name)
        kind = Literal[words] if words else IdPath
        parameters.append(Parameter(name, Parameter.KEYWORD_ONLY, annotation=kind))
    if passage.body is not None and passage.body_optional:
        parameters.append(Parameter("body", Parameter.KEYWORD_ONLY, annotation=passage.body | None, default=None))
    elif passage.body is not None:
        parameters.append(Parameter("body", Parameter.KEYWORD_ONLY, annotation=passage.body))
    endpoint.__signature__ = Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = passage.name
    endpoint.__doc__ = passage.doc
    return endpoint


for passage in PASSAGES:
    api.add_api_route(
        passage.path,
        _passage(passage),
        methods=[passage.method],
        status_code=passage.status,
        description=f"{passage.doc} Scope `{passage.scope}`.",
        response_class=Response,
        strict_content_type=False,  # a body sent without its Content-Type is read as JSON, as the services are sent it
    )


AreaCode = Annotated[str | None, Query(pattern=r"^[0-9]{6,12}$", description="a node's code; the city without")]


@api.get("/stats")
async def statistics(request: Request, up: UpstreamsDep, area_code: AreaCode = None) -> Response:
    """The live figures of the city, or of any district, street or community: organisations,
    members, needs posted, claims completed (person-times), needs fulfilled, venues and services
    shared; by month and by category. Public: no key needed. The figures are kept up to
    `CACHE_SECONDS`, and the answer itself in the micro-cache (`gateway.microcache`)."""
    code = area_code or request.app.state.settings.city_code
    figures = await service.figures_of(up, component(request, service.Cached), code)
    return Response(json.dumps(figures, ensure_ascii=False).encode(), media_type="application/json")


@api.get("/people/{kind}/{person_id}/balance")
async def person_balance(
    kind: Literal["member", "resident"], person_id: IdPath, request: Request, up: UpstreamsDep, partner: Partner
) -> Response:
    """A person's points and service minutes (`{"account", "points", "minutes"}`), when the person
    gave the key's organisation leave to read them (in the portal: my points → leave to read my
    balance; withdrawn the same way): 403 without it. The balance alone, never the postings.
    Scope `read`."""
    actor = acting_for(partner, request, "read")
    answer = await up.points.call("GET", f"/accounts/{kind}:{person_id}/balance", headers={"X-Actor": actor})
    media_type = answer.headers.get("content-type", "application/json")
    return Response(answer.content, status_code=answer.status_code, media_type=media_type)
