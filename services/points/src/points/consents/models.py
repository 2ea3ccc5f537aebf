"""A person's consent that one organisation (a partner, through its API key) may read their
balance: given and withdrawn by the person alone."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Consent(BaseModel):
    account: str  # member:{id} or resident:{id}
    organization_id: str
    organization_name: str | None = None
    granted_at: datetime


def consent_id(account: str, organization_id: str) -> str:
    return f"{account}|{organization_id}"
