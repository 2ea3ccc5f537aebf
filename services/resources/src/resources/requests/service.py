"""Requesting services and lendables: an organisation asks, for a need or on its own, or a
resident for themself; the provider accepts (taking from the period's capacity) or declines,
and reports an accepted request done (the service given, the lendable back); the requester may
cancel, which gives an accepted request's capacity back. An accepted match with a service is a
request accepted at once."""

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
    ServiceRequestCompleted,
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
from runtime.actors import Actor, ActorKind, acting_as
from runtime.known_organizations import OrganizationLookup
from runtime.repository import Announcements

EVENT_OF = {
    RequestStatus.REQUESTED: ServiceRequestMade,
    RequestStatus.ACCEPTED: ServiceRequestAccepted,
    RequestStatus.DECLINED: ServiceRequestDeclined,
    RequestStatus.CANCELLED: ServiceRequestCancelled,
    RequestStatus.COMPLETED: ServiceRequestCompleted,
}
DECISIONS = {
    RequestAction.ACCEPT: RequestStatus.ACCEPTED,
    RequestAction.DECLINE: RequestStatus.DECLINED,
    RequestAction.CANCEL: RequestStatus.CANCELLED,
    RequestAction.COMPLETE: RequestStatus.COMPLETED,
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
        """Requests a service or lendable for the acting organisation, or a resident for themself."""
        organization_id, resident_id = await self._requester(actor, cmd)
        resource = await self.resources.get(resource_id, actor)
        if resource.kind is ResourceKind.VENUE:
            raise Unprocessable("a venue is booked by time: book it instead", kind="venue")
        if resource.status is not ResourceStatus.PUBLISHED:
            raise Conflict(f"the {resource.kind.value} is {resource.status.value}: it takes no requests")
        if organization_id is not None and resource.organization_id == organization_id:
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
            resident_id=resident_id,
            resident_name=cmd.resident_name,
            need_id=cmd.need_id,
            wanted_on=cmd.wanted_on,
            period=period,
            quantity=cmd.quantity,
            note=cmd.note,
        )
        await self.repo.add(request, [announce(request)])
        return request

    async def _requester(self, actor: Actor, cmd: RequestCreate) -> tuple[str | None, str | None]:
        """Who asks: (an organisation that may act, None), or (None, a resident), who gives their
        name for the provider to know whom to serve; an organisation is known by its own."""
        if actor.kind is ActorKind.RESIDENT and actor.resident_id is not None:
            if cmd.organization_id is not None:
                raise Forbidden("a resident requests for themself", organization_id=cmd.organization_id)
            if cmd.resident_name is None:
                raise Unprocessable("a resident gives their name, for the provider", field="resident_name")
            return None, actor.resident_id
        if actor.kind is not ActorKind.ORGANIZATION:
            raise Forbidden("an organisation or a resident requests a service", actor=actor.kind.value)
        if cmd.resident_name is not None:
            raise Unprocessable("resident_name is a resident's: an organisation is known by its own")
        organization_id = acting_as(actor, cmd.organization_id, "an organisation requests for itself only")
        await self.organizations.require_active(organization_id)
        return organization_id, None

    async def get(self, request_id: str, actor: Actor) -> ServiceRequest:
        request = await self.repo.get(request_id)
        if request is None or not may_see(request, actor):
            raise NotFound(f"no service request {request_id!r}")
        return request

    async def mine(self, actor: Actor, *, after: str | None, limit: int) -> list[ServiceRequest]:
        """The acting organisation's requests, made and received, or the acting resident's."""
        if actor.kind is ActorKind.RESIDENT and actor.resident_id is not None:
            where: dict[str, object] = {"resident_id": actor.resident_id}
        elif actor.kind is ActorKind.ORGANIZATION and actor.organization_id is not None:
            party = actor.organization_id
            where = {"$or": [{"organization_id": party}, {"provider_organization_id": party}]}
        else:
            raise Forbidden("service requests are an organisation's or a resident's", actor=actor.kind.value)
        return await self.repo.page(after=after, limit=limit, where=where)

    async def act(self, request_id: str, action: RequestAction, actor: Actor) -> ServiceRequest:
        """The provider accepts, declines or completes; the requester cancels. A move the
        lifecycle does not allow is a 409 naming the status and the moves it allows.

        Accepting takes the period's capacity first (for this request: taking again is a no-op),
        then records the decision; declining and cancelling record it, then give back whatever
        the request took. So a process that dies in between leaves a request whose next decision
        completes it. Completing keeps what was taken: the service was given, or the lendable
        lent, in that period; a period's capacity is counted afresh in the next one."""
        request = await self.get(request_id, actor)
        to = DECISIONS[action]
        if action is RequestAction.CANCEL:
            if not is_requester(request, actor):
                raise Forbidden("the requester cancels its request")
        elif not actor.is_organization(request.provider_organization_id):
            raise Forbidden(f"only the provider may {action.value} a request")
        request.check_move(to)
        if to is RequestStatus.ACCEPTED:
            await self._take(request)
            try:
                return await self._change(request_id, lambda r: self._decide(r, to))
            except DomainError:
                if not await self._holds(request_id):
                    await self._give_back(request)
                raise
        decided = await self._change(request_id, lambda r: self._decide(r, to))
        if to is not RequestStatus.COMPLETED:
            await self._give_back(request)
        return decided

    async def _holds(self, request_id: str) -> bool:
        """Whether the stored request holds its capacity (accepted meanwhile, or completed since)."""
        stored = await self.repo.get(request_id)
        return stored is not None and stored.status in (RequestStatus.ACCEPTED, RequestStatus.COMPLETED)

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


def is_requester(request: ServiceRequest, actor: Actor) -> bool:
    if request.organization_id is not None:
        return actor.is_organization(request.organization_id)
    return actor.kind is ActorKind.RESIDENT and actor.resident_id == request.resident_id


def may_see(request: ServiceRequest, actor: Actor) -> bool:
    """A request is its requester's and its provider's."""
    return is_requester(request, actor) or actor.is_organization(request.provider_organization_id)
