"""Figures kept as running tallies for every node of the area hierarchy, so that a service's
statistics of any node, the whole platform down to one building, are read, not counted.

An item (a need, a venue) adds its figures to its area and every node above it when it is
written, and takes the figures of the version it replaces away again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from contract.areas import ancestors

PLATFORM = ""  # the node above every city: the whole platform


@dataclass
class Tally:
    """One node's figures: in all, by category and by month."""

    totals: Counter[str] = field(default_factory=Counter)
    by_category: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_month: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, figure: str, category: str, month: str | None, n: int) -> None:
        self.totals[figure] += n
        self.by_category[category][figure] += n
        if month is not None:
            self.by_month[month][figure] += n

    def as_dict(self, figures: Iterable[str], monthly: Iterable[str]) -> dict[str, object]:
        """`figures` in all and by category, `monthly` by month; a category or month only when
        one of them is not zero."""
        names, by_month = list(figures), list(monthly)

        def of(counter: Counter[str], wanted: list[str]) -> dict[str, int]:
            return {name: counter[name] for name in wanted}

        return {
            "totals": of(self.totals, names),
            "by_category": {c: of(n, names) for c, n in sorted(self.by_category.items()) if any(n.values())},
            "by_month": {m: of(n, by_month) for m, n in sorted(self.by_month.items()) if any(n.values())},
        }


class AreaTallies:
    """A `Tally` for every node something was counted in."""

    def __init__(self) -> None:
        self.nodes: defaultdict[str, Tally] = defaultdict(Tally)

    def add(self, area_code: str, figure: str, category: str, month: str | None, n: int) -> None:
        """Counts `n` (less than 0 to take away) in the area and every node above it."""
        for node in (PLATFORM, *ancestors(area_code)):
            self.nodes[node].add(figure, category, month, n)

    def of(self, node: str) -> Tally:
        return self.nodes.get(node) or Tally()
