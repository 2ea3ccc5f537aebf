"""What the needs service's subdomains share: the clock, the refusal of a move a lifecycle does
not allow, the events' source, and the HTTP shapes a posted need and activity begin with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contract.errors import Conflict
from contract.schemas import AREA_CODE, ID_PATTERN
from contract.taxonomy import Category

SOURCE = "/services/needs"


def now() -> datetime:
    return datetime.now(UTC)


class InvalidTransition(Conflict):
    code = "invalid_transition"


ActingOrganization = Annotated[
    str | None, Field(pattern=ID_PATTERN, description="the acting organisation's if left out")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Posting(Strict):
    """What an organisation posts, a need or an activity, begins with."""

    organization_id: ActingOrganization = None
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    category: Category
    area_code: str = AREA_CODE


class Posted(BaseModel):
    """What a posted need or activity shows first."""

    id: str
    organization_id: str
    title: str
    description: str
    category: Category
    area_code: str
