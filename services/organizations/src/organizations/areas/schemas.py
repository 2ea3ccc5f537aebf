"""What the area routes read and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from contract.schemas import AREA_CODE, AREA_PATTERN
from organizations.areas.models import AreaLevel
from organizations.common import Strict


class AreaNodeCreate(Strict):
    code: str = AREA_CODE
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=100)
    level: AreaLevel
    parent_code: str | None = Field(default=None, pattern=AREA_PATTERN)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class AreaNodeOut(BaseModel):
    code: str
    name: str
    name_en: str
    level: AreaLevel
    parent_code: str | None
    lat: float | None
    lon: float | None
    organizations: int = Field(description="organisations in the node's whole subtree")
    members: int = Field(description="members whose own organisation is in the subtree")
