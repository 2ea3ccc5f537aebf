"""What the registry's subdomains share: the clock, the events' source, and the HTTP shapes
(strict bodies, phones, external codes) organisations, members and import rows are read with."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contract.aggregates import now as stored_now

SOURCE = "/services/organizations"


def now() -> datetime:
    return stored_now()


Phone = Annotated[str, Field(pattern=r"^1[3-9][0-9]{9}$", examples=["13800001234"])]
CODE = Field(
    default=None, min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._-]+$", description="its own (external) code"
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
