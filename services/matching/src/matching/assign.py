"""Assigning supply to needs across the city: the most total score, within every need's open
units and every supplier's capacity, a need split across suppliers where that scores more.

`optimal` solves it exactly as a min-cost flow (OR-Tools): source → each need (its open
units) → each candidate supplier (cost: minus the pair's score) → sink (the supplier's units
left), with a source → sink arc for units left unassigned. Over every feasible pair that is
the optimum; over each need's best few candidates (what the engine does) it is the optimum of
a much smaller graph, and nearly always within a fraction of a percent of the first.
`greedy` is the baseline: pairs in score order, each taking what is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from matching.engine import Candidates

SCALE = 10_000  # scores are costs in integers: a ten-thousandth of a point


@dataclass(frozen=True)
class Assignment:
    """Units assigned per candidate pair (parallel to the candidates' arrays), and their total score."""

    units: NDArray[np.int64]
    total: float

    def pairs(self) -> NDArray[np.int64]:
        """Positions of the candidate pairs that were given units."""
        return np.nonzero(self.units > 0)[0]


def _capacities(c: Candidates) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    need_units = np.array([n.open_units for n in c.needs], dtype=np.int64)
    supply_units = np.array([s.units_left for s in c.supply], dtype=np.int64)
    return need_units, supply_units


def optimal(c: Candidates) -> Assignment:
    """The optimum, one category at a time: pairs never cross categories, and several small
    flows solve faster than their union."""
    units = np.zeros(len(c), dtype=np.int64)
    categories = np.array([n.category for n in c.needs], dtype=object)[c.need_ix]
    for category in np.unique(categories):
        pairs = np.nonzero(categories == category)[0]
        units[pairs] = _optimal(_part(c, pairs)).units
    return Assignment(units, float(np.dot(units, c.score)))


def _part(c: Candidates, pairs: NDArray[np.int64]) -> Candidates:
    """The candidates of these pairs alone, their needs and supply numbered afresh."""
    needs, need_ix = np.unique(c.need_ix[pairs], return_inverse=True)
    supply, supply_ix = np.unique(c.supply_ix[pairs], return_inverse=True)
    return Candidates([c.needs[i] for i in needs], [c.supply[j] for j in supply], need_ix, supply_ix, c.score[pairs])


def _optimal(c: Candidates) -> Assignment:
    need_units, supply_units = _capacities(c)
    n, m = len(c.needs), len(c.supply)
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    needs, supply = np.arange(n, dtype=np.int64), np.arange(m, dtype=np.int64) + n
    pair_cap = np.minimum(need_units[c.need_ix], supply_units[c.supply_ix])
    first_pair = flow.add_arcs_with_capacity_and_unit_cost(
        c.need_ix, c.supply_ix + n, pair_cap, -np.round(c.score * SCALE).astype(np.int64)
    )
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n, source), needs, need_units, np.zeros(n, dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(supply, np.full(m, sink), supply_units, np.zeros(m, dtype=np.int64))
    everything = int(need_units.sum())
    flow.add_arc_with_capacity_and_unit_cost(source, sink, everything, 0)
    flow.set_nodes_supplies(np.array([source, sink]), np.array([everything, -everything]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended {status}")
    units = flow.flows(first_pair).astype(np.int64) if len(c) else np.empty(0, dtype=np.int64)
    return Assignment(units, float(np.dot(units, c.score)))


def greedy(c: Candidates) -> Assignment:
    need_left, supply_left = _capacities(c)
    units = np.zeros(len(c), dtype=np.int64)
    for k in np.argsort(-c.score, kind="stable"):
        i, j = c.need_ix[k], c.supply_ix[k]
        give = min(need_left[i], supply_left[j])
        if give > 0:
            units[k] = give
            need_left[i] -= give
            supply_left[j] -= give
    return Assignment(units, float(np.dot(units, c.score)))
