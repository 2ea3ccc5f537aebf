"""What the registry's routes are given: the read model, repositories, and who is calling."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from organizations import keys as key_cases
from organizations.models import ApiKey, AreaNode, Scope
from organizations.repository import ApiKeyRepository, MemberRepository, OrganizationRepository
from organizations.view import RegistryView
from shared.app import from_state
from shared.errors import Forbidden, Unauthorized
from shared.repository import MongoRepository

View = Annotated[RegistryView, Depends(from_state("view"))]
Organizations = Annotated[OrganizationRepository, Depends(from_state("organizations"))]
Members = Annotated[MemberRepository, Depends(from_state("members"))]
Keys = Annotated[ApiKeyRepository, Depends(from_state("keys"))]
Areas = Annotated[MongoRepository[AreaNode], Depends(from_state("areas"))]


@dataclass(frozen=True)
class Caller:
    """Who is asking: the platform's administrator (the gateway, operations), a partner's key, or
    nobody in particular."""

    admin: bool = False
    key: ApiKey | None = None

    def may(self, organization_id: str, scope: Scope) -> bool:
        return self.admin or (
            self.key is not None and self.key.organization_id == organization_id and scope in self.key.scopes
        )

    def require(self, organization_id: str, scope: Scope) -> None:
        if self.admin:
            return
        if self.key is None:
            raise Unauthorized("this needs an API key of the organization (Authorization: Bearer pbs_...)")
        key_cases.require_scope(self.key, organization_id, scope)


async def _caller(
    request: Request,
    keys: Keys,
    authorization: Annotated[str | None, Header()] = None,
    x_admin_token: Annotated[str | None, Header()] = None,
) -> Caller:
    if x_admin_token is not None:
        expected = request.app.state.settings.admin_token.get_secret_value()
        if not hmac.compare_digest(x_admin_token.encode(), expected.encode()):
            raise Forbidden("wrong admin token")
        return Caller(admin=True)
    if authorization is None:
        return Caller()
    scheme, _, plain = authorization.partition(" ")
    if scheme.lower() != "bearer" or not plain:
        raise Unauthorized("use Authorization: Bearer <API key>")
    return Caller(key=await key_cases.verify_key(plain.strip(), keys=keys))


CallerDep = Annotated[Caller, Depends(_caller)]
