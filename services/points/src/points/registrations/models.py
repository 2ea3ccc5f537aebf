"""A working Party member's registration (双报到) in the community where they live: declared by
the member, accepted or declined by that community's administrator; one accepted at a time (a
member who moves declares again, and the new one, once accepted, ends the old)."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

COMMUNITY_PATTERN = r"^[0-9]{12}$"  # a community's code: district (6), street (9), community (12 digits)
_COMMUNITY = re.compile(COMMUNITY_PATTERN)


def is_community(code: str) -> bool:
    return _COMMUNITY.match(code) is not None


class Status(StrEnum):
    PENDING = "pending"  # declared, waiting for the community's administrator
    ACCEPTED = "accepted"  # the member's registration in force
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the member declared another community before this one was decided
    ENDED = "ended"  # the member moved: a later registration was accepted


class Registration(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    member_id: str
    name: str = Field(max_length=50)  # who the organisation's report names
    organization_id: str | None = None  # the organisation the member declared through
    community_code: str
    status: Status
    declared_at: datetime
    decided_at: datetime | None = None
    ended_at: datetime | None = None

    def counts_between(self, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
        """The part of [start, end) the registration was in force, or None when it was not."""
        if self.decided_at is None or self.status not in (Status.ACCEPTED, Status.ENDED):
            return None
        since = max(start, self.decided_at)
        until = min(end, self.ended_at) if self.ended_at is not None else end
        return (since, until) if since < until else None
