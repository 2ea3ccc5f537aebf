"""What the micro-wish routes read and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contract.events.needs import WishStatus
from contract.taxonomy import Category
from needs.wishes.models import Proof


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
