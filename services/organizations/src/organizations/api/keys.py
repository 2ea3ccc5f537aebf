"""Partner API keys of an organisation, managed by its administrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from contract.errors import Unauthorized
from organizations import keys, service
from organizations.api.deps import Keys, KnownCaller, View
from organizations.models import ApiKey, OrganizationStatus, Scope
from organizations.schemas import ApiKeyCheck, ApiKeyCreate, ApiKeyIdentity, ApiKeyIssued, ApiKeyOut

router = APIRouter(tags=["partner API keys"])


def _issued(key: ApiKey, plain: str) -> dict[str, Any]:
    return {**key.model_dump(), "key": plain}


@router.post("/organizations/{organization_id}/api-keys", status_code=201, response_model=ApiKeyIssued)
async def issue_key(
    organization_id: str, body: ApiKeyCreate, repo: Keys, view: View, caller: KnownCaller
) -> dict[str, Any]:
    """A new key; the plain key is in this answer only."""
    caller.require(service.get_organization(organization_id, view=view), Scope.KEYS_MANAGE)
    return _issued(*await keys.issue_key(organization_id, body, keys=repo, view=view))


@router.get("/organizations/{organization_id}/api-keys", response_model=list[ApiKeyOut])
async def list_keys(organization_id: str, repo: Keys, view: View, caller: KnownCaller) -> list[ApiKey]:
    """The organisation's keys, revoked ones included; never their secrets."""
    caller.require(service.get_organization(organization_id, view=view), Scope.KEYS_MANAGE)
    return await repo.of_organization(organization_id)


@router.post("/organizations/{organization_id}/api-keys/{key_id}/rotate", response_model=ApiKeyIssued)
async def rotate_key(organization_id: str, key_id: str, repo: Keys, view: View, caller: KnownCaller) -> dict[str, Any]:
    """A new secret for the key; the old one stops working now."""
    caller.require(service.get_organization(organization_id, view=view), Scope.KEYS_MANAGE)
    return _issued(*await keys.rotate_key(organization_id, key_id, keys=repo))


@router.delete("/organizations/{organization_id}/api-keys/{key_id}", response_model=ApiKeyOut)
async def revoke_key(organization_id: str, key_id: str, repo: Keys, view: View, caller: KnownCaller) -> ApiKey:
    """Revokes the key for good."""
    caller.require(service.get_organization(organization_id, view=view), Scope.KEYS_MANAGE)
    return await keys.revoke_key(organization_id, key_id, keys=repo)


@router.post("/api-keys/verify", response_model=ApiKeyIdentity)
async def verify_key(body: ApiKeyCheck, repo: Keys, view: View, caller: KnownCaller) -> dict[str, Any]:
    """Which organisation a key acts for, and with which scopes (the gateway asks, as the
    platform); 401 if none."""
    caller.require_operator()
    key = await keys.verify_key(body.key, keys=repo)
    organization = view.organizations.get(key.organization_id)
    if organization is None or organization.status is not OrganizationStatus.ACTIVE:
        status = organization.status.value if organization else "unknown"
        raise Unauthorized(f"the key's organization is {status}: its keys do not work", status=status)
    return {"key_id": key.id, "organization_id": key.organization_id, "scopes": key.scopes}
