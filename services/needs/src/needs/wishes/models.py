"""A resident's micro-wish (微心愿), its claim and its proof of completion. Who may do what
lives in `service`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from contract.aggregates import Versioned
from contract.events.needs import WishStatus
from contract.taxonomy import Category
from needs.common import InvalidTransition, now


class WishClaim(BaseModel):
    organization_id: str
    member_id: str | None = None
    claimed_at: datetime = Field(default_factory=now)


class Proof(BaseModel):
    sha256: str
    content_type: str
    size: int
    uploaded_at: datetime = Field(default_factory=now)


class Wish(Versioned):
    """A resident's micro-wish (微心愿): one live claim at a time, proof of completion, then a
    thank-you letter to the claimer's own Party organisation."""

    resident_id: str
    resident_name: str
    area_code: str
    title: str
    description: str = ""
    category: Category
    posted_by: str  # "resident" or the area administrator's node that posted on their behalf
    status: WishStatus = WishStatus.OPEN
    claim: WishClaim | None = None
    claimer_organization_id: str | None = None  # the live claim's, then the fulfiller's
    proof: Proof | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
    created_at: datetime = Field(default_factory=now)

    def require(self, *statuses: WishStatus) -> None:
        if self.status not in statuses:
            raise InvalidTransition(
                f"the wish is {self.status.value}",
                status=self.status.value,
                needed=[s.value for s in statuses],
            )


@dataclass(frozen=True)
class Photo:
    content: bytes
    content_type: str


@dataclass(frozen=True)
class Thanks:
    """What a thank-you letter says: the confirmed wish, the name of the organisation that
    fulfilled it, and the resident's name as its reader may see it."""

    wish: Wish
    organization_name: str
    resident_name: str


def masked(name: str) -> str:
    """A resident's name as those who may not know them see it: its first character (王阿姨 → 王**)."""
    return name[:1] + "*" * (len(name) - 1)
