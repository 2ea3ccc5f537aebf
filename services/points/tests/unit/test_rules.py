"""The earning rules' arithmetic: points per person-time weighed by category, minutes from the
need's window or the default, and the daily cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from contract.taxonomy import Category
from points.rules.models import RuleTerms

TERMS = RuleTerms(
    points_per_person_time=10,
    minutes_per_person_time=45,
    category_multipliers={Category.ELDERLY_CARE: 1.5},
    daily_cap=100,
)


def test_a_claims_points_are_its_person_times_weighed_by_its_needs_category() -> None:
    assert TERMS.claim_points(3, Category.ELDERLY_CARE) == 45
    assert TERMS.claim_points(3, Category.TUTORING) == 30  # no multiplier: 1
    assert TERMS.claim_points(3, None) == 30  # a need not known


def test_a_claims_minutes_are_the_needs_window_per_person_time_or_the_default() -> None:
    starts = datetime(2026, 12, 5, 9, tzinfo=UTC)
    assert TERMS.claim_minutes(2, (starts, starts + timedelta(hours=1, minutes=30))) == 180
    assert TERMS.claim_minutes(2, None) == 90


def test_the_daily_cap_gives_only_what_is_left_of_it() -> None:
    assert TERMS.capped(30, earned_today=0) == 30
    assert TERMS.capped(30, earned_today=80) == 20
    assert TERMS.capped(30, earned_today=100) == 0


def test_terms_out_of_range_are_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="daily_cap"):
        RuleTerms(daily_cap=-1)
    with pytest.raises(ValidationError, match="category_multipliers"):
        RuleTerms.model_validate({"category_multipliers": {"elderly_care": 11}})
