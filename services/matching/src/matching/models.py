"""Matching's domain: open needs, available supply, and scored proposals with their reasons."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from shared.events import Reason
from shared.repository import Aggregate
from shared.taxonomy import Category

# Area codes nest: 6 digits name a district, 9 a street or town, 12 a community or village.
_PROXIMITY = ((12, 1.0, "same community"), (9, 0.6, "same street"), (6, 0.3, "same district"))
PROXIMITY_WEIGHT, CAPACITY_WEIGHT = 0.6, 0.4
_PROPOSAL_IDS = uuid.UUID("6f1d9c1e-3b0a-4c55-9d3e-2a1f6c7b8e90")


class OpenNeed(BaseModel):
    id: str
    organization_id: str
    category: Category
    area_code: str
    quantity: int


class Supply(BaseModel):
    id: str
    organization_id: str
    category: Category
    area_code: str
    capacity: int


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"


class Proposal(Aggregate):
    need_id: str
    need_organization_id: str
    resource_id: str
    resource_organization_id: str
    score: float
    reasons: list[Reason]
    status: ProposalStatus = ProposalStatus.PROPOSED
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def proposal_id(need_id: str, resource_id: str) -> str:
    """The same pair always gets the same id, so proposing twice is a no-op."""
    return uuid.uuid5(_PROPOSAL_IDS, f"{need_id}:{resource_id}").hex


def proximity(a: str, b: str) -> float:
    return next((value for digits, value, _ in _PROXIMITY if a[:digits] == b[:digits]), 0.0)


def score(need: OpenNeed, supply: Supply) -> tuple[float, list[Reason]]:
    """How well a supply item fits a need of its category, and why."""
    reasons = [
        Reason(name="proximity", weight=PROXIMITY_WEIGHT, value=proximity(need.area_code, supply.area_code)),
        Reason(name="capacity_fit", weight=CAPACITY_WEIGHT, value=min(1.0, supply.capacity / need.quantity)),
    ]
    return round(sum(r.weight * r.value for r in reasons), 4), reasons


def propose(need: OpenNeed, supply: Supply) -> Proposal:
    total, reasons = score(need, supply)
    return Proposal(
        id=proposal_id(need.id, supply.id),
        need_id=need.id,
        need_organization_id=need.organization_id,
        resource_id=supply.id,
        resource_organization_id=supply.organization_id,
        score=total,
        reasons=reasons,
    )


@dataclass
class MatchIndex:
    """Open needs and supply by category, in memory; rebuilt at start from matching's database."""

    needs: dict[Category, dict[str, OpenNeed]] = field(default_factory=lambda: defaultdict(dict))
    supply: dict[Category, dict[str, Supply]] = field(default_factory=lambda: defaultdict(dict))

    def add_need(self, need: OpenNeed) -> None:
        self.needs[need.category][need.id] = need

    def add_supply(self, supply: Supply) -> None:
        self.supply[supply.category][supply.id] = supply

    def best_supply_for(self, need: OpenNeed, limit: int) -> list[Proposal]:
        """Proposes a supply item to an organisation other than the one in need."""
        candidates = (s for s in self.supply[need.category].values() if s.organization_id != need.organization_id)
        return sorted((propose(need, s) for s in candidates), key=lambda p: -p.score)[:limit]

    def best_needs_for(self, supply: Supply, limit: int) -> list[Proposal]:
        candidates = (n for n in self.needs[supply.category].values() if n.organization_id != supply.organization_id)
        return sorted((propose(n, supply) for n in candidates), key=lambda p: -p.score)[:limit]
