"""Requesting services and lendables: an organisation asks, for a need or on its own; the
provider accepts (taking from the period's capacity) or declines; the requester may cancel,
which gives an accepted request's capacity back. An accepted match with a service is a request
accepted at once."""

from __future__ import annotations

from collections.abc import Callable

from contract.bodies.resources import RequestCreate
from contract.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from contract.events import Envelope, data_of
from contract.events.matching import MatchAccepted, MatchFailed
from contract.events.resources import (
    RequestStatus,
    ResourceKind,
    ResourceStatus,
    ResourceUpdated,
    ServiceRequestAccepted,
    ServiceRequestCancelled,
    ServiceRequestData,
    ServiceRequestDeclined,
    ServiceRequestMade,
    ServiceRequestRefused,
)
from contract.ids import entity_id, new_id
from contract.opening_hours import LOCAL
from contract.periods import period_of
from resources.requests.models import ServiceRequest, today
from resources.requests.repository import RequestRepository
from resources.requests.schemas import RequestAction
from resources.resources.models import Resource
from resources.resources.service import SOURCE, Resources
from resources.resources.service import announce as announce_resource
from runtime.actors import Actor, require_organization
from runtime.known_organizations import OrganizationLookup
from runtime.repository import Announcements

EVENT_OF = {
    RequestStatus.REQUESTED: ServiceRequestMade,
    RequestStatus.ACCEPTED: ServiceRequestAccepted,
    RequestStatus.DECLINED: ServiceRequestDeclined,
    RequestStatus.CANCELLED: ServiceRequestCancelled,
}
DECISIONS = {
    RequestAction.ACCEPT: RequestStatus.ACCEPTED,
    RequestAction.DECLINE: RequestStatus.DECLINED,
    RequestAction.CANCEL: RequestStatus.CANCELLED,
}


def request_data(request: ServiceRequest, status: str | None = None) -> ServiceRequestData:
    return data_of(ServiceRequestData, request, request_id=request.id, status=status or request.status.value)


def announce(request: ServiceRequest) -> Envelope:
    return EVENT_OF[request.status](source=SOURCE, subject=request.id, data=request_data(request))


class ServiceRequests:
    def __init__(
        self,
        repo: RequestRepository,
        resources: Resources,
        organizations: OrganizationLookup,
        announcements: Announcements,
    ) -> None:
        self.repo = repo
        self.announcements = announcements
        self.resources = resources
        self.organizations = organizations

    async def request(self, resource_id: str, cmd: RequestCreate, actor: Actor) -> ServiceRequest:
        """Requests a service or lendable for the acting organisation."""
        organization_id = require_organization(actor)
        await self.organizations.require_active(organization_id)
        resource = await self.resources.get(resource_id, actor)
        if resource.kind is ResourceKind.VENUE:
            raise Unprocessable("a venue is booked by time: book it instead", kind="venue")
        if resource.status is not ResourceStatus.PUBLISHED:
            raise Conflict(f"the {resource.kind.value} is {resource.status.value}: it takes no requests")
        if resource.organization_id == organization_id:
            raise Forbidden("an organisation does not request its own service")
        if cmd.wanted_on < today():
            raise Unprocessable("the day wanted has passed", wanted_on=cmd.wanted_on.isoformat())
        assert resource.capacity_period is not None  # every service and lendable has one
        period = period_of(resource.capacity_period, cmd.wanted_on)
        left = resource.capacity - resource.used.get(period, 0)
        if cmd.quantity > left:
            raise Conflict(f"only {left} are left in that period", left=left)
        request = ServiceRequest(
            id=new_id(),
            resource_id=resource.id,
            provider_organization_id=resource.organization_id,
            organization_id=organization_id,
            need_id=cmd.need_id,
            wanted_on=cmd.wanted_on,
            period=period,
            quantity=cmd.quantity,
            note=cmd.note,
        )
        await self.repo.add(request, [announce(request)])
        return request

    async def get(self, request_id: str, actor: Actor) -> ServiceRequest:
        request = await self.repo.get(request_id)
        if request is None or not may_see(request, actor):
            raise NotFound(f"no service request {request_id!r}")
        return request

    async def mine(self, actor: Actor, *, after: str | None, limit: int) -> list[ServiceRequest]:
        """The acting organisation's requests, made and received."""
        organization_id = require_organization(actor)
        where = {"$or": [{"organization_id": organization_id}, {"provider_organization_id": organization_id}]}
        return await self.repo.page(after=after, limit=limit, where=where)

    async def act(self, request_id: str, action: RequestAction, actor: Actor) -> ServiceRequest:
        """The provider accepts or declines; the requester cancels. Accepting takes the period's
        capacity first (for this request: taking again is a no-op), then records the decision;
        declining and cancelling record it, then give back whatever the request took. So a
        process that dies in between leaves a request whose next decision completes it."""
        request = await self.get(request_id, actor)
        to = DECISIONS[action]
        provider = actor.is_organization(request.provider_organization_id)
        if action is RequestAction.CANCEL and not actor.is_organization(request.organization_id):
            raise Forbidden("the requester cancels its request")
        if action is not RequestAction.CANCEL and not provider:
            raise Forbidden(f"only the provider may {action.value} a request")
        if request.status is not RequestStatus.REQUESTED and to is not RequestStatus.CANCELLED:
            raise Conflict(f"the request is {request.status.value} already", status=request.status.value)
        if to is RequestStatus.ACCEPTED:
            await self._take(request)
            try:
                return await self._change(request_id, lambda r: self._decide(r, to))
            except DomainError:
                await self._give_back(request)
                raise
        decided = await self._change(request_id, lambda r: self._decide(r, to))
        await self._give_back(request)
        return decided

    @staticmethod
    def _decide(request: ServiceRequest, to: RequestStatus) -> list[Envelope]:
        request.decide(to)
        return [announce(request)]

    async def _change(self, request_id: str, decide: Callable[[ServiceRequest], list[Envelope]]) -> ServiceRequest:
        request, _ = await self.repo.change(request_id, decide)
        return request

    async def _take(self, request: ServiceRequest) -> None:
        def take(resource: Resource) -> list[Envelope]:
            resource.take(request.period, request.id, request.quantity)
            return [announce_resource(ResourceUpdated, resource)]

        await self.resources.change(request.resource_id, take)

    async def _give_back(self, request: ServiceRequest) -> None:
        def give_back(resource: Resource) -> list[Envelope]:
            if request.id not in resource.takes.get(request.period, {}):
                return []  # it took nothing
            resource.give_back(request.period, request.id)
            return [announce_resource(ResourceUpdated, resource)]

        await self.resources.change(request.resource_id, give_back)

    async def on_match_failed(self, event: MatchFailed) -> None:
        """The claim half of an accepted proposal was refused: the request made for it is
        cancelled and its capacity given back."""
        request = await self.repo.get(entity_id("service_request", event.data.proposal_id))
        if request is None:
            return

        def cancel(r: ServiceRequest) -> list[Envelope]:
            if r.status is not RequestStatus.ACCEPTED:
                return []
            r.decide(RequestStatus.CANCELLED, "match_failed")
            return [announce(r)]

        cancelled, _ = await self.repo.change(request.id, cancel)
        await self._give_back(cancelled)

    async def on_match_accepted(self, event: MatchAccepted) -> None:
        """An accepted match with a service or lendable is a request accepted at once, for the
        need's day; when the capacity is gone, `service_request.refused` says so."""
        data = event.data
        resource = self.resources.view.resources.get(data.resource_id)
        if resource is None or resource.kind is ResourceKind.VENUE:
            return
        request_id = entity_id("service_request", data.proposal_id)
        if await self.repo.get(request_id) is not None:
            return  # made already: a redelivery
        wanted_on = (data.starts_at or event.time).astimezone(LOCAL).date()
        assert resource.capacity_period is not None
        request = ServiceRequest(
            id=request_id,
            resource_id=resource.id,
            provider_organization_id=resource.organization_id,
            organization_id=data.need_organization_id,
            need_id=data.need_id,
            wanted_on=wanted_on,
            period=period_of(resource.capacity_period, wanted_on),
            quantity=data.quantity,
            status=RequestStatus.ACCEPTED,
            proposal_id=data.proposal_id,
        )
        try:
            await self._take(request)
        except DomainError as exc:
            request.reason = exc.message
            refused = ServiceRequestRefused(source=SOURCE, subject=request.id, data=request_data(request, "refused"))
            await self.announcements.announce(refused)
            return
        await self.repo.add(request, [announce(request)])


def may_see(request: ServiceRequest, actor: Actor) -> bool:
    return actor.is_organization(request.organization_id) or actor.is_organization(request.provider_organization_id)
