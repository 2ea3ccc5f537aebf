"""Matching's scoring and index, without any I/O."""

from __future__ import annotations

import pytest

from matching.models import MatchIndex, OpenNeed, Supply, proposal_id, proximity, score
from shared.taxonomy import Category


def _need(
    org: str = "a", area: str = "350102001001", quantity: int = 10, category: Category = Category.VENUE
) -> OpenNeed:
    return OpenNeed(id=f"n-{org}-{area}", organization_id=org, category=category, area_code=area, quantity=quantity)


def _supply(
    org: str = "b", area: str = "350102001001", capacity: int = 10, category: Category = Category.VENUE
) -> Supply:
    return Supply(
        id=f"s-{org}-{area}-{capacity}", organization_id=org, category=category, area_code=area, capacity=capacity
    )


class TestProximity:
    @pytest.mark.parametrize(
        ("other", "expected"),
        [("350102001001", 1.0), ("350102001002", 0.6), ("350102002001", 0.3), ("350103001001", 0.0)],
        ids=["same community", "same street", "same district", "elsewhere"],
    )
    def test_neighbours_score_higher_the_closer_they_are(self, other: str, expected: float) -> None:
        assert proximity("350102001001", other) == expected


class TestScore:
    def test_a_neighbour_with_enough_capacity_scores_full_marks_with_its_reasons(self) -> None:
        total, reasons = score(_need(), _supply())
        assert total == 1.0
        assert [(r.name, r.value) for r in reasons] == [("proximity", 1.0), ("capacity_fit", 1.0)]
        assert sum(r.weight for r in reasons) == pytest.approx(1.0)

    def test_too_little_capacity_scores_in_proportion(self) -> None:
        total, _ = score(_need(quantity=40), _supply(capacity=10, area="350103001001"))
        assert total == pytest.approx(0.4 * 0.25)


class TestIndex:
    def test_the_best_supply_of_the_needs_category_is_proposed_first(self) -> None:
        index = MatchIndex()
        near, far = _supply("near", "350102001002"), _supply("far", "350103001001")
        index.add_supply(far)
        index.add_supply(near)
        index.add_supply(_supply("other", category=Category.LEGAL_AID))
        proposals = index.best_supply_for(_need(), limit=5)
        assert [p.resource_id for p in proposals] == [near.id, far.id]

    def test_an_organisation_is_never_proposed_its_own_supply(self) -> None:
        index = MatchIndex()
        index.add_supply(_supply(org="a"))
        assert index.best_supply_for(_need(org="a"), limit=5) == []

    def test_new_supply_is_proposed_to_at_most_limit_needs(self) -> None:
        index = MatchIndex()
        for i in range(5):
            index.add_need(_need(org=f"o{i}", area=f"35010200{i}001"))
        assert len(index.best_needs_for(_supply(), limit=3)) == 3

    def test_the_same_pair_always_has_the_same_proposal_id(self) -> None:
        assert proposal_id("n", "s") == proposal_id("n", "s") != proposal_id("s", "n")
