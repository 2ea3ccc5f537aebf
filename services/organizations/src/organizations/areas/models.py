"""The area hierarchy's nodes and their levels."""

from __future__ import annotations

from enum import StrEnum

from contract.aggregates import Aggregate


class AreaLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    BUILDING = "building"


LEVEL_DEPTH = {level: depth for depth, level in enumerate(AreaLevel)}


class AreaNode(Aggregate):
    """A node of the area hierarchy; its id is its code."""

    name: str
    name_en: str = ""
    level: AreaLevel
    parent_code: str | None = None
    lat: float | None = None
    lon: float | None = None
