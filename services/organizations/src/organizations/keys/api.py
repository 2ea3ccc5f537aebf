"""The partner API key routes: an organisation's keys, managed by its administrators, and their
verification for the gateway."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from contract.errors import Unauthorized
from contract.events.organizations import OrganizationStatus
from organizations.deps import KeysDep, KnownCaller, OrganizationsDep, View
from organizations.keys.models import ApiKey, Scope
from organizations.keys.schemas import ApiKeyCheck, ApiKeyCreate, ApiKeyIdentity, ApiKeyIssued, ApiKeyOut

router = APIRouter(tags=["partner API keys"])


def _issued(key: ApiKey, plain: str) -> dict[str, Any]:
    return {**key.model_dump(), "key": plain}


@router.post("/organizations/{organization_id}/api-keys", status_code=201, response_model=ApiKeyIssued)
async def issue_key(
    organization_id: str, body: ApiKeyCreate, keys: KeysDep, organizations: OrganizationsDep, caller: KnownCaller
) -> dict[str, Any]:
    """A new key; the plain key is in this answer only."""
    caller.require(organizations.get(organization_id), Scope.KEYS_MANAGE)
    return _issued(*await keys.issue(organization_id, body))


@router.get("/organizations/{organization_id}/api-keys", response_model=list[ApiKeyOut])
async def list_keys(
    organization_id: str, keys: KeysDep, organizations: OrganizationsDep, caller: KnownCaller
) -> list[ApiKey]:
    """The organisation's keys, revoked ones included; never their secrets."""
    caller.require(organizations.get(organization_id), Scope.KEYS_MANAGE)
    return await keys.of_organization(organization_id)


@router.post("/organizations/{organization_id}/api-keys/{key_id}/rotate", response_model=ApiKeyIssued)
async def rotate_key(
    organization_id: str, key_id: str, keys: KeysDep, organizations: OrganizationsDep, caller: KnownCaller
) -> dict[str, Any]:
    """A new secret for the key; the old one stops working now."""
    caller.require(organizations.get(organization_id), Scope.KEYS_MANAGE)
    return _issued(*await keys.rotate(organization_id, key_id))


@router.delete("/organizations/{organization_id}/api-keys/{key_id}", response_model=ApiKeyOut)
async def revoke_key(
    organization_id: str, key_id: str, keys: KeysDep, organizations: OrganizationsDep, caller: KnownCaller
) -> ApiKey:
    """Revokes the key for good."""
    caller.require(organizations.get(organization_id), Scope.KEYS_MANAGE)
    return await keys.revoke(organization_id, key_id)


@router.post("/api-keys/verify", response_model=ApiKeyIdentity)
async def verify_key(body: ApiKeyCheck, keys: KeysDep, view: View, caller: KnownCaller) -> dict[str, Any]:
    """Which organisation a key acts for, and with which scopes (the gateway asks, as the
    platform); 401 if none."""
    caller.require_operator()
    key = await keys.verify(body.key)
    organization = view.organizations.get(key.organization_id)
    if organization is None or organization.status is not OrganizationStatus.ACTIVE:
        status = organization.status.value if organization else "unknown"
        raise Unauthorized(f"the key's organization is {status}: its keys do not work", status=status)
    return {"key_id": key.id, "organization_id": key.organization_id, "scopes": key.scopes}
