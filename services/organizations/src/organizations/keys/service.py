"""Partner API keys: issued, listed, rotated and revoked by an organisation's administrators.

A key reads `pbs_<key id>_<secret>`. Only the SHA-256 of the secret is stored: the secret is
32 random bytes, so a fast hash is as safe as a slow one and lets every request be checked
cheaply. A key acts for its own organisation only, within its scopes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from contract.errors import Forbidden, NotFound, Unauthorized
from contract.ids import new_id
from organizations.keys.models import ApiKey, Scope
from organizations.keys.repository import ApiKeyRepository
from organizations.keys.schemas import ApiKeyCreate
from organizations.view import RegistryView

PREFIX = "pbs"


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


class Keys:
    def __init__(self, repo: ApiKeyRepository, view: RegistryView) -> None:
        self.repo = repo
        self.view = view

    async def issue(self, organization_id: str, cmd: ApiKeyCreate) -> tuple[ApiKey, str]:
        """A new key for the organisation; the plain key is returned once and never stored."""
        if organization_id not in self.view.organizations:
            raise NotFound(f"no organization {organization_id!r}")
        secret = _new_secret()
        key = ApiKey(
            id=new_id(),
            organization_id=organization_id,
            name=cmd.name,
            scopes=list(dict.fromkeys(cmd.scopes)),
            secret_sha256=_sha256(secret),
        )
        await self.repo.add(key, [])
        return key, f"{PREFIX}_{key.id}_{secret}"

    async def of_organization(self, organization_id: str) -> list[ApiKey]:
        """The organisation's keys, revoked ones included."""
        return await self.repo.of_organization(organization_id)

    async def own(self, organization_id: str, key_id: str) -> ApiKey:
        key = await self.repo.get(key_id)
        if key is None or key.organization_id != organization_id:  # another's key is as good as unknown
            raise NotFound(f"organization {organization_id!r} has no key {key_id!r}")
        return key

    async def rotate(self, organization_id: str, key_id: str) -> tuple[ApiKey, str]:
        """A new secret for the key; the old one stops working at once."""
        key = await self.own(organization_id, key_id)
        if key.revoked_at is not None:
            raise NotFound(f"key {key_id!r} is revoked")
        secret = _new_secret()
        rotated = key.model_copy(update={"secret_sha256": _sha256(secret), "rotated_at": datetime.now(UTC)})
        await self.repo.update(rotated)
        return rotated, f"{PREFIX}_{key.id}_{secret}"

    async def revoke(self, organization_id: str, key_id: str) -> ApiKey:
        key = await self.own(organization_id, key_id)
        if key.revoked_at is None:
            key = key.model_copy(update={"revoked_at": datetime.now(UTC)})
            await self.repo.update(key)
        return key

    async def verify(self, plain: str) -> ApiKey:
        """The live key the plain key names, or Unauthorized."""
        prefix, _, rest = plain.partition("_")
        key_id, _, secret = rest.partition("_")
        key = await self.repo.get(key_id) if prefix == PREFIX and len(key_id) == 32 and secret else None
        if key is None or not hmac.compare_digest(key.secret_sha256, _sha256(secret)):
            raise Unauthorized("unknown API key")
        if key.revoked_at is not None:
            raise Unauthorized("this API key has been revoked")
        return key


def require_scope(key: ApiKey, organization_id: str, scope: Scope) -> None:
    """A key acts for its own organisation only, and only within its scopes."""
    if key.organization_id != organization_id:
        raise Forbidden("this API key acts for another organization")
    if scope not in key.scopes:
        raise Forbidden(f"this API key lacks the scope {scope.value!r}", scope=scope.value)
