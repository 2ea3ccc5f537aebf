"""The HTTP routes of service requests: request a service or lendable, accept, decline, cancel,
complete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from contract.bodies.resources import RequestCreate
from resources.requests.models import ServiceRequest
from resources.requests.schemas import RequestAction, RequestOut
from resources.requests.service import ServiceRequests
from runtime.actors import ActorDep
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of

router = APIRouter(tags=["service requests"])

RequestsDep = Annotated[ServiceRequests, Depends(provided(ServiceRequests))]


@router.post("/resources/{resource_id}/requests", status_code=201, response_model=RequestOut)
async def request_service(
    resource_id: str, body: RequestCreate, requests: RequestsDep, actor: ActiveActor
) -> ServiceRequest:
    """Requests a service or lendable for a day (and, optionally, a need), for the acting
    organisation or a resident for themself; the provider decides."""
    return await requests.request(resource_id, body, actor)


@router.get("/service-requests", response_model=Page[RequestOut])
async def list_requests(
    requests: RequestsDep, actor: ActorDep, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, object]:
    """The acting organisation's requests, made and received, or the acting resident's, in id order."""
    return page_of(await requests.mine(actor, after=cursor, limit=limit), limit)


@router.get("/service-requests/{request_id}", response_model=RequestOut)
async def get_request(request_id: str, requests: RequestsDep, actor: ActorDep) -> ServiceRequest:
    return await requests.get(request_id, actor)


@router.post("/service-requests/{request_id}/{action}", response_model=RequestOut)
async def act_on_request(
    request_id: str, action: RequestAction, requests: RequestsDep, actor: ActiveActor
) -> ServiceRequest:
    """The provider `accept`s (taking from that period's capacity; 409 when it is used up) or
    `decline`s, then reports an accepted request done, `complete` (the service given, the
    lendable back); the requester `cancel`s (an accepted request gives its capacity back). A move
    the lifecycle does not allow answers 409 with the current status and the allowed ones."""
    return await requests.act(request_id, action, actor)
