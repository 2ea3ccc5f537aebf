"""What the micro-wish routes read and answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from contract.bodies.needs import Strict
from contract.schemas import AREA_PATTERN, ID_PATTERN
from contract.taxonomy import Category
from needs.wishes.models import Proof, WishStatus


class WishCreate(Strict):
    resident_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="required when a community worker posts"
    )
    resident_name: str = Field(min_length=1, max_length=50, examples=["王阿姨"])
    area_code: str | None = Field(default=None, pattern=AREA_PATTERN, description="the resident's own if left out")
    title: str = Field(min_length=1, max_length=200, examples=["想要一台收音机"])
    description: str = Field(default="", max_length=2000)
    category: Category = Category.ELDERLY_CARE


class WishClaimCreate(Strict):
    member_id: str | None = Field(default=None, pattern=ID_PATTERN)


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
