"""The earning rules: what a completed claim, a confirmed micro-wish, a completed service
request and an attendance earn, as data a city administrator changes (each change a new version)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contract.taxonomy import Category

Multiplier = Annotated[float, Field(ge=0, le=10)]


class RuleTerms(BaseModel):
    """What a rule set says, as a city administrator writes it (`PUT /rules`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    points_per_person_time: int = Field(10, ge=0, le=10_000, description="per person-time served on a claim")
    minutes_per_person_time: int = Field(
        60, ge=0, le=24 * 60, description="per person-time, when the need has no time window"
    )
    points_per_wish: int = Field(20, ge=0, le=10_000, description="to the organisation that fulfilled a micro-wish")
    points_per_service_request: int = Field(15, ge=0, le=10_000, description="to the provider of a service given")
    category_multipliers: dict[Category, Multiplier] = Field(
        default_factory=dict, description="points of a claim on a need of the category, times this (0 to 10)"
    )
    daily_cap: int = Field(200, ge=0, le=1_000_000, description="points an account may earn a day, at most")
    points_per_attendance: int = Field(
        5, ge=0, le=10_000, description="for an attendance checked in and out (an activity, a claim's work on site)"
    )
    points_per_attended_hour: int = Field(
        10, ge=0, le=10_000, description="for each hour attended, from check-in to check-out (pro rata)"
    )

    def multiplier(self, category: Category | None) -> float:
        return self.category_multipliers.get(category, 1.0) if category is not None else 1.0

    def claim_points(self, served: int, category: Category | None) -> int:
        """Points for `served` person-times on a need of `category`, rounded down."""
        return math.floor(self.points_per_person_time * served * self.multiplier(category))

    def claim_minutes(self, served: int, window: tuple[datetime, datetime] | None) -> int:
        """Minutes for `served` person-times: each the need's window long, or the rule's default."""
        if window is None:
            return self.minutes_per_person_time * served
        starts, ends = window
        return max(0, int((ends - starts).total_seconds() // 60)) * served

    def attendance_points(self, minutes: int) -> int:
        """Points for one attendance of `minutes`, checked in and out: the attendance's own,
        and the hours' pro rata, rounded down."""
        return self.points_per_attendance + math.floor(self.points_per_attended_hour * minutes / 60)

    def capped(self, points: int, earned_today: int) -> int:
        """What of `points` an account that earned `earned_today` already may still receive today."""
        return max(0, min(points, self.daily_cap - earned_today))


class RuleSet(RuleTerms):
    """A version of the rules, kept: every movement names the version it was made under."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = Field(ge=1)
    made_at: datetime
    made_by: str  # the area code of the city administrator who made it, or "seed"
