"""A partner's API key and the scopes it may be given."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from contract.aggregates import Aggregate
from organizations.common import now


class Scope(StrEnum):
    READ = "read"
    MEMBERS_READ = "members:read"
    MEMBERS_WRITE = "members:write"
    PROFILE_WRITE = "profile:write"
    NEEDS_WRITE = "needs:write"
    RESOURCES_WRITE = "resources:write"
    MATCHES_DECIDE = "matches:decide"
    SHOP_WRITE = "shop:write"  # a merchant's points shop: its shelf and the pickups of its orders
    COBUILDING_WRITE = "cobuilding:write"  # agreements, projects, offers on and deliveries of purchases
    KEYS_MANAGE = "keys:manage"


class ApiKey(Aggregate):
    """A partner's key: it acts for its own organisation only, within its scopes. Only a hash
    of its secret is kept."""

    organization_id: str
    name: str
    scopes: list[Scope]
    secret_sha256: str
    created_at: datetime = Field(default_factory=now)
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
