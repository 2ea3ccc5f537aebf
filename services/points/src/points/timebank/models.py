"""The time bank (时间银行): a person asks for a service paid in minutes, held from their account
at once in the ask's own account (`timebank:{ask id}`); someone else takes it; the asker confirms
it done and the held minutes go to whoever served, or cancels and they come back. A community
grants minutes to people who cannot earn them, and sets how far below zero its people may go."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# the causes of the time bank's movements; only SERVED is work done (the 双报到 report counts it)
HELD, SERVED, RETURNED, GRANTED = "timebank.held", "timebank.served", "timebank.returned", "timebank.granted"
NOT_WORK = frozenset({HELD, RETURNED, GRANTED})


class AskStatus(StrEnum):
    HOLDING = "holding"  # stored, its minutes being held: shown to nobody until they are
    OPEN = "open"  # its minutes held, waiting for someone to take it
    TAKEN = "taken"
    DONE = "done"  # confirmed by the asker: the minutes went to whoever served
    CANCELLED = "cancelled"  # by the asker before it was done: the minutes came back


class Ask(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    asker: str  # the asker's account, `resident:{id}` or `member:{id}`
    name: str = Field(max_length=50)
    what: str
    when: datetime
    minutes: int
    area_code: str  # the community it is wanted in
    status: AskStatus
    taker: str | None = None  # the account of whoever took it
    taker_name: str | None = None
    taker_organization_id: str | None = None  # a member serves through their organisation
    asked_at: datetime
    taken_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def hold(self) -> str:
        """The account holding the minutes it offers."""
        return f"timebank:{self.id}"


class Grant(BaseModel):
    """Minutes a community gave a person who cannot earn them, and why."""

    model_config = ConfigDict(frozen=True)

    id: str
    account: str
    minutes: int
    reason: str
    area_code: str
    at: datetime
