"""The gateway keeps no domain data; these are the views it assembles from the services."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class PartnerIdentity(BaseModel):
    """A partner's API key, as the registry vouches for it."""

    key_id: str
    organization_id: str
    scopes: list[str]


class ProposalView(BaseModel):
    """A proposal with the need and the supply it pairs, as people see it."""

    proposal: dict[str, Any]
    need: dict[str, Any] | None
    resource: dict[str, Any] | None
