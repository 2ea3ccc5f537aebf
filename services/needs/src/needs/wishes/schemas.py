"""What the micro-wish routes read and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contract.events.needs import WishStatus
from contract.taxonomy import Category
from needs.wishes.models import Proof, Wish, masked


class WishOut(BaseModel):
    id: str
    resident_name: str
    area_code: str
    title: str
    description: str
    category: Category
    status: WishStatus
    claimer_organization_id: str | None
    proof: Proof | None
    confirmed_at: datetime | None
    created_at: datetime
    version: int


def shown(wish: Wish, knows_the_resident: bool) -> WishOut:
    """The wish as its viewer sees it: the resident's name only to them and their area's
    administrators, `masked` to anyone else."""
    out = WishOut.model_validate(wish, from_attributes=True)
    if not knows_the_resident:
        out.resident_name = masked(wish.resident_name)
    return out
