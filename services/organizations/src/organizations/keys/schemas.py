"""What the partner API key routes read and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from organizations.common import Strict
from organizations.keys.models import Scope


class ApiKeyCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["幸福通 mini-program"])
    scopes: list[Scope] = Field(min_length=1)


class ApiKeyOut(BaseModel):
    id: str
    organization_id: str
    name: str
    scopes: list[Scope]
    created_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None


class ApiKeyIssued(ApiKeyOut):
    key: str = Field(description="shown once: only its hash is kept")


class ApiKeyCheck(Strict):
    key: str = Field(min_length=10, max_length=200)


class ApiKeyIdentity(BaseModel):
    key_id: str
    organization_id: str
    scopes: list[Scope]
