"""The ledger's movements: each one stored whole, its two postings together, never a balance alone."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contract.events.points import MovementData, Unit

CITY = "city"  # the issuing account: it gives what is earned, so it alone goes below zero
ACCOUNT_PATTERN = r"^(city|(organization|member|resident|shop|area|timebank):[0-9a-zA-Z_-]{1,64})$"
_ACCOUNT = re.compile(ACCOUNT_PATTERN)


def account(kind: str, owner_id: str) -> str:
    """The account of an organisation, member, resident, shop or area (`organization:{id}`), or
    of a time bank ask holding the minutes it offers (`timebank:{ask id}`)."""
    return f"{kind}:{owner_id}"


def is_account(name: str) -> bool:
    return _ACCOUNT.match(name) is not None


def movement_id(cause_event_id: str, unit: Unit, to_account: str) -> str:
    """A movement's id, the same for the same cause, unit and receiver: an event delivered again
    makes the same id, which the database refuses a second time."""
    key = f"{cause_event_id}|{unit.value}|{to_account}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class Posting(BaseModel):
    """One side of a movement: what it did to one account's balance (negative: taken from it)."""

    model_config = ConfigDict(frozen=True)

    account: str
    amount: int


class Where(BaseModel):
    """What a movement for work done was for: where, through which organisation, on what."""

    model_config = ConfigDict(frozen=True)

    area_code: str | None = None
    organization_id: str | None = None
    about: str | None = None


class Movement(BaseModel):
    """`amount` (> 0) of `unit` from one account to another, because of an event, under a rule
    version; for work done, where it was done, through which organisation and on what."""

    model_config = ConfigDict(frozen=True)

    id: str
    from_account: str
    to_account: str
    unit: Unit
    amount: int = Field(gt=0)
    cause_event_id: str
    cause_type: str
    rule_version: int
    at: datetime
    day: str  # the city's calendar day it counts in, for the daily cap
    area_code: str | None = None
    organization_id: str | None = None
    about: str | None = None

    @property
    def postings(self) -> tuple[Posting, Posting]:
        return Posting(account=self.from_account, amount=-self.amount), Posting(
            account=self.to_account, amount=self.amount
        )

    def data(self) -> MovementData:
        return MovementData(
            movement_id=self.id,
            **self.model_dump(include={"from_account", "to_account", "unit", "amount", "cause_event_id"}),
            cause_type=self.cause_type,
            rule_version=self.rule_version,
            at=self.at,
            **self.model_dump(include={"area_code", "organization_id", "about"}),
        )
