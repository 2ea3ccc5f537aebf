"""Who is acting: the gateway signs it, the services check it.

The gateway authenticates people (sign-in) and partners (API keys) and forwards each request
with an `X-Actor` header: a short-lived token (JWT, HS256, with the secret every service is
given) that says on whose behalf the request is made. A service trusts nothing else about the
caller: no header, or one that is forged, expired or malformed, is an anonymous visitor or a 401.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Header, Request
from pydantic import BaseModel, ConfigDict, ValidationError

from contract.areas import covers, is_city
from contract.errors import Forbidden, Unauthorized

ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 300


class ActorKind(StrEnum):
    ORGANIZATION = "organization"  # a partner key or a signed-in member acting for their organisation
    RESIDENT = "resident"
    AREA_ADMIN = "area_admin"  # administers a node of the hierarchy (community, street, district, city)
    PLATFORM = "platform"  # the platform on its own behalf: the gateway's public pages, key checks, operations


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ActorKind
    organization_id: str | None = None
    member_id: str | None = None
    resident_id: str | None = None
    area_code: str | None = None  # a resident's home, an administrator's node

    def administers(self, area_code: str) -> bool:
        """Whether this is an administrator of `area_code` or of a node above it."""
        return self.kind is ActorKind.AREA_ADMIN and self.area_code is not None and covers(self.area_code, area_code)

    @property
    def runs_a_city(self) -> bool:
        """Whether this is an administrator of a whole city."""
        return self.kind is ActorKind.AREA_ADMIN and is_city(self.area_code)

    def is_organization(self, organization_id: str) -> bool:
        return self.kind is ActorKind.ORGANIZATION and self.organization_id == organization_id

    @property
    def person(self) -> str | None:
        """Who this is as messages name their recipients: a resident and a member as themselves,
        an organisation's administrators (who act without a member) as the organisation, an
        area's administrators as the area; None for the platform."""
        if self.kind is ActorKind.RESIDENT and self.resident_id:
            return f"resident:{self.resident_id}"
        if self.kind is ActorKind.ORGANIZATION and self.member_id:
            return f"member:{self.member_id}"
        if self.kind is ActorKind.ORGANIZATION and self.organization_id:
            return f"organization:{self.organization_id}"
        if self.kind is ActorKind.AREA_ADMIN and self.area_code:
            return f"area:{self.area_code}"
        return None


def sign(actor: Actor, secret: str, *, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> str:
    """The `X-Actor` token for `actor`, valid for `ttl_seconds`."""
    claims = actor.model_dump(mode="json", exclude_none=True) | {"exp": int(time.time()) + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(token: str, secret: str) -> Actor:
    """The actor a token names; Unauthorized when it is expired, forged or malformed."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the X-Actor token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"the X-Actor token is not valid: {exc}") from None
    claims.pop("exp")
    try:
        return Actor.model_validate(claims)
    except ValidationError:
        raise Unauthorized("the X-Actor token names no actor this platform knows") from None


async def _optional_actor(request: Request, x_actor: Annotated[str | None, Header()] = None) -> Actor | None:
    if x_actor is None:
        return None
    secret: str = request.app.state.settings.actor_secret
    return verify(x_actor, secret)


async def _required_actor(actor: Annotated[Actor | None, Depends(_optional_actor)]) -> Actor:
    if actor is None:
        raise Unauthorized("this needs to know who is acting: send an X-Actor token (the gateway signs one)")
    return actor


MaybeActor = Annotated[Actor | None, Depends(_optional_actor)]
ActorDep = Annotated[Actor, Depends(_required_actor)]


def require_organization(actor: Actor) -> str:
    """The organisation an actor acts for, or Forbidden."""
    if actor.kind is not ActorKind.ORGANIZATION or actor.organization_id is None:
        raise Forbidden("only an organisation may do this", actor=actor.kind.value)
    return actor.organization_id


def require_resident(actor: Actor, refusal: str) -> str:
    """The resident an actor is, or Forbidden with `refusal`."""
    if actor.kind is not ActorKind.RESIDENT or actor.resident_id is None:
        raise Forbidden(refusal, actor=actor.kind.value)
    return actor.resident_id


def acting_as(actor: Actor, organization_id: str | None, refusal: str) -> str:
    """The organisation an actor acts for, when a body naming one (`organization_id`) names that
    one or none; Forbidden with `refusal` when it names another."""
    acting = require_organization(actor)
    if organization_id not in (None, acting):
        raise Forbidden(refusal, organization_id=organization_id)
    return acting
