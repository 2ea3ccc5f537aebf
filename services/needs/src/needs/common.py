"""What the needs service's subdomains share: the clock, the refusal of a move a lifecycle does
not allow, the events' source, and the answer a posted need and activity begin with (what is
sent to post them begins with `contract.bodies.needs.Posting`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contract.aggregates import now as stored_now
from contract.errors import Conflict
from contract.taxonomy import Category

SOURCE = "/services/needs"


def now() -> datetime:
    return stored_now()


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Posted(BaseModel):
    """What a posted need or activity shows first."""

    id: str
    organization_id: str
    title: str
    description: str
    category: Category
    area_code: str
