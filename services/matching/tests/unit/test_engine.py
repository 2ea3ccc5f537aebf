"""The matching engine without I/O: feasibility, scores and their reasons, the assignment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from contract.eligibility import may_book, shown_to
from contract.events.needs import Visibility
from contract.events.resources import BookableBy
from matching.index.assign import greedy, optimal
from matching.index.engine import WEIGHTS, Index, Need, Supply
from matching.proposals.models import Proposal, ProposalStatus, proposal_id

COMMUNITY = "350102001001"
LAT, LON = 26.08, 119.30
KM = 1 / 111.2  # a kilometre north, in degrees


def need(n: str = "n1", org: str = "poster", category: str = "tutoring", quantity: int = 4, **fields: Any) -> Need:
    base: dict[str, Any] = {"area_code": COMMUNITY, "lat": LAT, "lon": LON}
    return Need(id=n, organization_id=org, category=category, quantity=quantity, **(base | fields))


def supply(s: str = "s1", org: str = "helper", north_km: float = 1.0, capacity: int = 10, **fields: Any) -> Supply:
    base: dict[str, Any] = {"kind": "service", "category": "tutoring", "area_code": COMMUNITY, "radius_km": 5.0}
    return Supply(id=s, organization_id=org, lat=LAT + north_km * KM, lon=LON, capacity=capacity, **(base | fields))


def index_of(*items: Need | Supply) -> Index:
    index = Index(max_per_day=3)
    for item in items:
        if isinstance(item, Need):
            index.put_need(item)
        else:
            index.put_supply(item)
    return index


class TestFeasibility:
    def test_a_supplier_within_its_radius_of_another_organisation_with_capacity_is_proposed(self) -> None:
        index = index_of(need(), supply())
        assert [s.id for s, _ in index.best_for_need(need(), 3)] == ["s1"]

    @pytest.mark.parametrize(
        "item",
        [
            supply(north_km=6),  # beyond its 5 km radius
            supply(org="poster"),  # the need's own organisation
            supply(capacity=0),
            supply(category="legal_aid"),
            supply(kind="venue", bookable_by="area", area_code="350102001002"),  # another community's venue
        ],
        ids=["too far", "own", "no capacity", "other category", "venue of another area"],
    )
    def test_others_are_not(self, item: Supply) -> None:
        assert index_of(need(), item).best_for_need(need(), 3) == []

    def test_a_need_for_partners_gets_its_organisations_partners_supply_only(self) -> None:
        private = need(visibility="partners")
        index = index_of(private, supply("neighbour", "next door"), supply("partner", "co-builder", north_km=2))
        assert index.best_for_need(private, 3) == []  # a neighbour is no partner by being one
        index.partners = lambda organization_id, of, community: organization_id == "co-builder"
        assert [s.id for s, _ in index.best_for_need(private, 3)] == ["partner"]

    def test_a_venue_booked_at_the_needs_time_is_not_proposed(self) -> None:
        start = datetime(2031, 1, 7, 11, tzinfo=UTC)
        venue = supply(kind="venue", category="venue")
        venue.busy["b1"] = (start, start + timedelta(hours=2))
        meeting = need(category="venue", starts_at=start + timedelta(hours=1), ends_at=start + timedelta(hours=3))
        later = need("n2", category="venue", starts_at=start + timedelta(hours=2), ends_at=start + timedelta(hours=3))
        index = index_of(venue, meeting, later)
        assert index.best_for_need(meeting, 3) == []
        assert [s.id for s, _ in index.best_for_need(later, 3)] == ["s1"]

    def test_a_need_asking_for_one_gets_the_best_venue_free_at_its_time(self) -> None:
        start = datetime(2031, 1, 7, 11, tzinfo=UTC)
        taken = supply("taken", kind="venue", category="venue", north_km=0.2)
        taken.busy["b1"] = (start, start + timedelta(hours=2))
        meeting = need(category="venue", starts_at=start, ends_at=start + timedelta(hours=1))
        index = index_of(taken, supply("free", "other", kind="venue", category="venue", north_km=3), meeting)
        assert [s.id for s, _ in index.best_for_need(meeting, 1)] == ["free"]

    def test_no_supplier_is_proposed_more_than_max_per_day(self) -> None:
        index = index_of(need(), supply())
        for _ in range(3):
            index.suppliers.record("helper", proposed=1)
        assert index.best_for_need(need(), 3) == []


class TestScore:
    def test_nearer_scores_higher_and_every_term_says_its_weight_and_value(self) -> None:
        index = index_of(need(), supply("near", north_km=0.5), supply("far", "other", north_km=4))
        [(first, high), (second, low)] = index.best_for_need(need(), 3)
        assert (first.id, second.id) == ("near", "far") and high > low
        reasons = index.reasons(need(), first)
        assert {r.name for r in reasons} == set(WEIGHTS)
        assert sum(r.weight for r in reasons) == pytest.approx(1.0)
        assert sum(r.weight * r.value for r in reasons) == pytest.approx(high, abs=1e-3)
        assert next(r.value for r in reasons if r.name == "distance") == pytest.approx(0.9, abs=0.01)

    def test_a_reliable_supplier_and_a_neighbour_score_higher(self) -> None:
        elsewhere = supply("c", "elsewhere", area_code="350102002001")
        index = index_of(need(), supply("a", "reliable"), supply("b", "flaky"), elsewhere)
        index.suppliers.record("reliable", completed=8)
        index.suppliers.record("flaky", released=8)
        assert [s.id for s, _ in index.best_for_need(need(), 3)] == ["a", "b", "c"]

    def test_reliability_counts_ratings_as_outcomes_as_good_as_their_stars(self) -> None:
        index = index_of(need(), supply())

        def shown() -> float:
            return next(r.value for r in index.reasons(need(), supply()) if r.name == "reliability")

        assert shown() == 0.5  # nothing known: an even 1 in 2
        index.suppliers.rate("helper", 5)
        index.suppliers.rate("helper", 3)
        assert shown() == pytest.approx((1 + 0.5 + 1) / (2 + 2), abs=1e-4)
        index.suppliers.record("helper", completed=2, released=1)
        assert shown() == pytest.approx((2 + 1.5 + 1) / (2 + 1 + 2 + 2), abs=1e-4)
        index.suppliers.rate("helper", 1)
        assert shown() == pytest.approx((2 + 1.5 + 1) / (2 + 1 + 3 + 2), abs=1e-4)

    def test_new_supply_finds_the_open_needs_it_serves_best(self) -> None:
        index = index_of(need("close"), need("far", lat=LAT + 4 * KM), need("other", category="legal_aid"))
        item = supply(north_km=0)
        index.put_supply(item)
        assert [n.id for n, _ in index.best_for_supply(item, 10)] == ["close", "far"]


class TestAssignment:
    def test_the_flow_finds_the_optimum_where_greedy_does_not(self) -> None:
        # "both" is the best supplier of either need but serves one; greedy gives it to "a",
        # whose second choice it then leaves unused, and "b" gets nobody
        index = index_of(
            need("a", quantity=1),
            need("b", quantity=1, lat=LAT + 4.5 * KM),
            supply("both", north_km=2.2, capacity=1),
            supply("only-a", "other", north_km=-2, capacity=1, radius_km=2.5),
        )
        candidates = index.candidates(index.needs.values(), top=None)
        best, simple = optimal(candidates), greedy(candidates)
        assert best.total > simple.total
        assigned = {
            (candidates.needs[candidates.need_ix[k]].id, candidates.supply[candidates.supply_ix[k]].id)
            for k in best.pairs()
        }
        assert assigned == {("a", "only-a"), ("b", "both")}

    def test_a_need_is_split_across_suppliers_within_their_capacities(self) -> None:
        index = index_of(need(quantity=10), supply("s1", capacity=4), supply("s2", "other", capacity=3))
        candidates = index.candidates(index.needs.values(), top=None)
        assert sorted(optimal(candidates).units.tolist()) == [3, 4]

    def test_top_k_candidates_keep_each_needs_best(self) -> None:
        index = index_of(need(), *(supply(f"s{i}", f"org{i}", north_km=i * 0.4) for i in range(10)))
        found = index.candidates(index.needs.values(), top=3)
        assert sorted(found.supply[j].id for j in found.supply_ix) == ["s0", "s1", "s2"]
        assert np.all(found.score > 0)


class TestProposal:
    def test_it_is_accepted_when_both_sides_have(self) -> None:
        proposal = Proposal(
            id=proposal_id("n", "s"),
            area_code="350102001001",
            need_id="n",
            need_organization_id="poster",
            resource_id="s",
            resource_organization_id="helper",
            score=0.8,
            reasons=[],
        )
        assert proposal.side_of("poster") == "need" and proposal.side_of("stranger") is None
        assert not proposal.accept("need")
        assert proposal.accept("supply")
        assert proposal.status is ProposalStatus.ACCEPTED

    def test_the_same_pair_has_the_same_id(self) -> None:
        assert proposal_id("n", "s") == proposal_id("n", "s") != proposal_id("s", "n")


class TestTheEligibilityRules:
    """...are the contract's (`contract.eligibility`), which the services apply too: the engine
    proposes exactly the pairs they would let through."""

    AREAS = ("350100", "350102", "350102001", "350102001001", "350102001002", "350102002001", "350103001001")
    PARTNERS = frozenset(
        {"org2", "org4", "org6"}
    )  # co-building with the need's (or venue's) organisation, near and far

    @pytest.mark.parametrize("visibility", list(Visibility))
    @pytest.mark.parametrize("visible_to", ["350100", "350102", "350102001", "350102001001"])
    def test_a_need_is_proposed_to_the_suppliers_it_is_shown_to(self, visibility: Visibility, visible_to: str) -> None:
        shown = need(visibility=visibility, visible_to=None if visibility is Visibility.PUBLIC else visible_to)
        suppliers = [supply(f"s{i}", f"org{i}", area_code=area) for i, area in enumerate(self.AREAS)]
        index = index_of(shown, *suppliers)
        index.partners = lambda organization_id, of, community: organization_id in self.PARTNERS

        proposed = {s.area_code for s, _ in index.best_for_need(shown, 99)}

        expected = {
            a
            for i, a in enumerate(self.AREAS)
            if shown_to(visibility, shown.visible_to, a, organization=True, partner=f"org{i}" in self.PARTNERS)
        }
        assert proposed == expected

    @pytest.mark.parametrize("bookable_by", list(BookableBy))
    @pytest.mark.parametrize("venue_area", ["350102", "350102001", "350102001001"])
    def test_a_venue_is_proposed_to_the_needs_whose_organisation_may_book_it(
        self, bookable_by: BookableBy, venue_area: str
    ) -> None:
        venue = supply(kind="venue", category="venue", area_code=venue_area, bookable_by=bookable_by)
        needs = [need(f"n{i}", f"org{i}", category="venue", area_code=area) for i, area in enumerate(self.AREAS)]
        index = index_of(venue, *needs)
        index.partners = lambda organization_id, of, community: organization_id in self.PARTNERS

        proposed = {n.area_code for n in needs if index.best_for_need(n, 3)}

        expected = {
            a
            for i, a in enumerate(self.AREAS)
            if may_book(bookable_by, venue_area, a, organization=True, partner=f"org{i}" in self.PARTNERS)
        }
        assert proposed == expected
