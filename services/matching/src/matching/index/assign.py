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

from matching.index.engine import Candidates

SCALE = 10_000  # scores are costs in integers: a ten-thousandth of a point


@dataclass(frozen=True)
class Assignment:
    """Units assigned per candidate pair (parallel to the candidates' arrays), and their total score."""

    units: NDArray[np.int64]
    total: float

    def pairs(self) -> NDArray[np.int64]:
        """Positions of the candidate pairs that were given units."""
        return np.nonzero(self.units > 0)[0]


@dataclass(frozen=True)
class Problem:
    """The assignment's numbers alone, without the needs and supply they stand for: what
    `solve` needs, cheap to hand to a worker process (the flow holds the interpreter while it
    runs, so a service solves in another process and its event loop stays free)."""

    need_units: NDArray[np.int64]  # each need's open units
    supply_units: NDArray[np.int64]  # each supply item's units left
    need_ix: NDArray[np.int64]  # the pairs: need, supply item, score, and which flow (category) each is in
    supply_ix: NDArray[np.int64]
    score: NDArray[np.float64]
    flow: NDArray[np.int64]

    @classmethod
    def of(cls, c: Candidates) -> Problem:
        need_units = np.array([n.open_units for n in c.needs], dtype=np.int64)
        supply_units = np.array([s.units_left for s in c.supply], dtype=np.int64)
        _, category = np.unique(np.array([n.category for n in c.needs], dtype=object), return_inverse=True)
        flow = category.astype(np.int64).reshape(-1)[c.need_ix]
        return cls(need_units, supply_units, c.need_ix, c.supply_ix, c.score, flow)

    def __len__(self) -> int:
        return len(self.score)


def optimal(c: Candidates) -> Assignment:
    """The optimum over these candidates."""
    return solve(Problem.of(c))


def solve(p: Problem) -> Assignment:
    """The optimum, one category at a time: pairs never cross categories, and several small
    flows solve faster than their union."""
    units = np.zeros(len(p), dtype=np.int64)
    for flow in np.unique(p.flow):
        pairs = np.nonzero(p.flow == flow)[0]
        units[pairs] = _optimal(_part(p, pairs)).units
    return Assignment(units, float(np.dot(units, p.score)))


def _part(p: Problem, pairs: NDArray[np.int64]) -> Problem:
    """The problem of these pairs alone, their needs and supply numbered afresh."""
    needs, need_ix = np.unique(p.need_ix[pairs], return_inverse=True)
    supply, supply_ix = np.unique(p.supply_ix[pairs], return_inverse=True)
    return Problem(
        p.need_units[needs], p.supply_units[supply], need_ix, supply_ix, p.score[pairs], np.zeros(len(pairs), np.int64)
    )


def _optimal(p: Problem) -> Assignment:
    need_units, supply_units = p.need_units, p.supply_units
    n, m = len(need_units), len(supply_units)
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    needs, supply = np.arange(n, dtype=np.int64), np.arange(m, dtype=np.int64) + n
    pair_cap = np.minimum(need_units[p.need_ix], supply_units[p.supply_ix])
    first_pair = flow.add_arcs_with_capacity_and_unit_cost(
        p.need_ix, p.supply_ix + n, pair_cap, -np.round(p.score * SCALE).astype(np.int64)
    )
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n, source), needs, need_units, np.zeros(n, dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(supply, np.full(m, sink), supply_units, np.zeros(m, dtype=np.int64))
    everything = int(need_units.sum())
    flow.add_arc_with_capacity_and_unit_cost(source, sink, everything, 0)
    flow.set_nodes_supplies(np.array([source, sink]), np.array([everything, -everything]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended {status}")
    units = flow.flows(first_pair).astype(np.int64) if len(p) else np.empty(0, dtype=np.int64)
    return Assignment(units, float(np.dot(units, p.score)))


def greedy(c: Candidates) -> Assignment:
    p = Problem.of(c)
    need_left, supply_left = p.need_units.copy(), p.supply_units.copy()
    units = np.zeros(len(p), dtype=np.int64)
    for k in np.argsort(-p.score, kind="stable"):
        i, j = p.need_ix[k], p.supply_ix[k]
        give = min(need_left[i], supply_left[j])
        if give > 0:
            units[k] = give
            need_left[i] -= give
            supply_left[j] -= give
    return Assignment(units, float(np.dot(units, p.score)))
