"""Who a partner is: its API key, as the registry verifies it at every request, limited per key
(and refused keys per address), with the scopes the key was issued with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request

from contract.errors import Forbidden, Unauthorized
from gateway.limits import Limits
from gateway.models import PartnerIdentity
from gateway.upstreams import Upstream, UpstreamError
from runtime.actors import Actor, ActorKind, sign
from runtime.app import component


class PartnerKeys:
    """Which organisation a partner's API key acts for, as the registry says at every request:
    a revoked or rotated key, or the key of an organisation just suspended, stops working at once
    (no answer is kept here to let it pass a while longer)."""

    def __init__(self, registry: Upstream, actor_secret: str) -> None:
        self.registry = registry
        self.actor_secret = actor_secret

    async def identify(self, key: str) -> PartnerIdentity:
        headers = {"X-Actor": sign(Actor(kind=ActorKind.PLATFORM), self.actor_secret)}
        response = await self.registry.call("POST", "/api-keys/verify", json={"key": key}, headers=headers)
        if response.status_code == 401:
            refusal = response.json().get("error", {})
            if "status" in refusal:  # the key's organisation is suspended or dissolved: say so
                raise Unauthorized(refusal["message"], status=refusal["status"])
            raise Unauthorized("unknown or revoked API key")
        if response.status_code == 422:
            raise Unauthorized("unknown or revoked API key")
        if response.status_code != 200:
            raise UpstreamError(f"the registry answered {response.status_code}")
        return PartnerIdentity.model_validate(response.json())


async def _partner(request: Request, authorization: Annotated[str | None, Header()] = None) -> PartnerIdentity:
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("the partner API needs an API key: Authorization: Bearer <key>")
    limits = component(request, Limits)
    # Keys nobody issued are limited by the address that tries them, before the registry is asked:
    # guessing costs the guesser, not the registry.
    address = request.client.host if request.client else ""
    limits.key_guesses.take(address)
    identity = await component(request, PartnerKeys).identify(key.strip())
    limits.key_guesses.give_back(address)  # only refusals count against an address
    limits.partner_calls.take(identity.key_id)
    return identity


Partner = Annotated[PartnerIdentity, Depends(_partner)]


async def _reader(partner: Partner) -> PartnerIdentity:
    if "read" not in partner.scopes:
        raise Forbidden("this API key lacks the 'read' scope", scopes=partner.scopes)
    return partner


Reader = Annotated[PartnerIdentity, Depends(_reader)]
"""A partner's key with the `read` scope: its organisation's proposals, webhooks and events."""


def acting_for(partner: PartnerIdentity, request: Request, scope: str | None = None) -> str:
    """The `X-Actor` token for the key's organisation; Forbidden without the scope asked for."""
    if scope is not None and scope not in partner.scopes:
        raise Forbidden(f"this API key lacks the {scope!r} scope", scopes=partner.scopes)
    actor = Actor(kind=ActorKind.ORGANIZATION, organization_id=partner.organization_id)
    return sign(actor, request.app.state.settings.actor_secret)


def scoped(scope: str) -> Callable[[Request, PartnerIdentity], Awaitable[str]]:
    """A dependency answering the `X-Actor` token of the key's organisation, when the key holds
    `scope` (Forbidden otherwise): checked before anything else of the request is looked at."""

    async def dependency(request: Request, partner: Partner) -> str:
        return acting_for(partner, request, scope)

    return dependency
