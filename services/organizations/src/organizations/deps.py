"""What several of the registry's routers are given: the read model, the organisations', members'
and keys' use cases, and who is calling (the operators, someone the gateway vouches for, a
partner's key, or nobody) with what they may do."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from contract.errors import Forbidden, Unauthorized
from contract.events.organizations import OrganizationStatus
from organizations.config import Settings
from organizations.keys.models import ApiKey, Scope
from organizations.keys.service import Keys, require_scope
from organizations.members.service import Members
from organizations.organizations.models import Organization
from organizations.organizations.service import Organizations
from organizations.view import RegistryView
from runtime.actors import Actor, ActorKind, MaybeActor
from runtime.app import provided

View = Annotated[RegistryView, Depends(provided(RegistryView))]
OrganizationsDep = Annotated[Organizations, Depends(provided(Organizations))]
MembersDep = Annotated[Members, Depends(provided(Members))]
KeysDep = Annotated[Keys, Depends(provided(Keys))]
RegistrySettings = Annotated[Settings, Depends(provided(Settings))]

# What an area's administrators may do for the organisations of their area (not hold its keys:
# those act as the organisation itself), and what anyone signed in for an organisation may (the
# gateway's X-Actor does not say whether they are its administrator or a member).
ADMINISTRATORS_MAY = frozenset({Scope.READ, Scope.MEMBERS_READ, Scope.MEMBERS_WRITE, Scope.PROFILE_WRITE})
ITS_PEOPLE_MAY = frozenset({Scope.READ})
NOBODY = "this needs to know who is calling: the gateway's X-Actor, an API key, or the operators' X-Admin-Token"


@dataclass(frozen=True)
class Caller:
    """Who is asking: the platform's operators (`X-Admin-Token`), someone the gateway vouches for
    (`X-Actor`: the platform itself, an organisation, an area's administrator, a resident), a
    partner's key, or nobody in particular (public reads only)."""

    admin: bool = False
    key: ApiKey | None = None
    actor: Actor | None = None

    @property
    def anonymous(self) -> bool:
        return not self.admin and self.key is None and self.actor is None

    @property
    def operator(self) -> bool:
        """The operators, or the platform itself: may do anything the registry does."""
        return self.admin or (self.actor is not None and self.actor.kind is ActorKind.PLATFORM)

    def administers(self, area_code: str) -> bool:
        """Whether the caller runs `area_code`: an operator, or an administrator of it or above."""
        return self.operator or (self.actor is not None and self.actor.administers(area_code))

    def may(self, organization: Organization, scope: Scope) -> bool:
        """Whether the caller may act on the organisation within `scope`: an operator always; an
        administrator of its area within `ADMINISTRATORS_MAY`; its people through the gateway
        within `ITS_PEOPLE_MAY`; a key of it within the key's scopes. A suspended or dissolved
        organisation itself only reads."""
        if self.operator:
            return True
        if self.actor is not None and self.actor.administers(organization.area_code):
            return scope in ADMINISTRATORS_MAY
        if organization.status is not OrganizationStatus.ACTIVE and scope is not Scope.READ:
            return False
        if self.actor is not None:
            return self.actor.is_organization(organization.id) and scope in ITS_PEOPLE_MAY
        return self.key is not None and self.key.organization_id == organization.id and scope in self.key.scopes

    def require(self, organization: Organization, scope: Scope) -> None:
        """Unauthorized for nobody, Forbidden for someone who may not act on the organisation."""
        if self.may(organization, scope):
            return
        if self.anonymous:
            raise Unauthorized(NOBODY)
        if self.key is not None:
            require_scope(self.key, organization.id, scope)  # says whether the key or its scope is wrong
        if organization.status is not OrganizationStatus.ACTIVE:
            status = organization.status.value
            raise Forbidden(f"the organization is {status}: it may not act on the platform", status=status)
        raise Forbidden(f"not allowed for this caller: {scope.value} of the organization", scope=scope.value)

    def require_area(self, area_code: str) -> None:
        """Forbidden unless the caller administers the area node."""
        if not self.administers(area_code):
            raise Forbidden(f"only an administrator of area {area_code} may do this", area_code=area_code)

    def require_operator(self) -> None:
        if not self.operator:
            raise Forbidden("only the platform's operators may do this")


async def _caller(
    settings: RegistrySettings,
    keys: KeysDep,
    actor: MaybeActor,
    authorization: Annotated[str | None, Header()] = None,
    x_admin_token: Annotated[str | None, Header()] = None,
) -> Caller:
    if x_admin_token is not None:
        expected = settings.admin_token.get_secret_value()
        if not hmac.compare_digest(x_admin_token.encode(), expected.encode()):
            raise Unauthorized("wrong admin token")
        return Caller(admin=True)
    if actor is not None:
        return Caller(actor=actor)
    if authorization is None:
        return Caller()
    scheme, _, plain = authorization.partition(" ")
    if scheme.lower() != "bearer" or not plain:
        raise Unauthorized("use Authorization: Bearer <API key>")
    return Caller(key=await keys.verify(plain.strip()))


async def _known_caller(caller: Annotated[Caller, Depends(_caller)]) -> Caller:
    if caller.anonymous:
        raise Unauthorized(NOBODY)
    return caller


CallerDep = Annotated[Caller, Depends(_caller)]
"""Anyone, the anonymous included: for the registry's public reads."""
KnownCaller = Annotated[Caller, Depends(_known_caller)]
"""Someone the registry can name (401 otherwise, before the request's body is validated)."""
