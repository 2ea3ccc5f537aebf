"""The needs service's read model: every need in memory, and the statistics of every node of
the area hierarchy kept as running tallies.

It is loaded from the database (or a snapshot) at start and then takes each need as this process
writes it, and as read again after any replica's write (`runtime.replica`). A need replaces one
of a later version never (applying one twice or late changes nothing), and one of its own
version with what is stored (the database keeps times to the millisecond).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from statistics import median

from contract.areas import covers
from contract.events.needs import NeedStatus
from needs.needs.models import CLAIMABLE, ClaimStatus, Need
from runtime.pagination import first_kept
from runtime.tallies import PLATFORM, AreaTallies

FIGURES = ("posted", "claims", "fulfilled", "open", "overdue")
MONTHLY = ("posted", "claims", "fulfilled")  # the figures that happen at a moment; the others are states
# `claims` counts the person-times completed claims served: what was done, not what was promised;
# `overdue` counts needs whose deadline passed while they were open.


def _month(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m") if moment else None


def contributions(need: Need) -> Iterator[tuple[str, str | None, int]]:
    """What one need adds to the figures of its area's nodes: (figure, month, how many)."""
    if need.status is NeedStatus.DRAFT:
        return
    yield "posted", _month(need.posted_at or need.created_at), 1
    for claim in need.claims:
        if claim.status is ClaimStatus.COMPLETED:
            yield "claims", _month(claim.completed_at), claim.quantity if claim.served is None else claim.served
    if need.status in (NeedStatus.FULFILLED, NeedStatus.CONFIRMED):
        yield "fulfilled", _month(need.fulfilled_at), 1
    if need.status in CLAIMABLE:
        yield "open", None, 1
    if need.status is NeedStatus.EXPIRED:
        yield "overdue", None, 1


class NeedsView:
    def __init__(self) -> None:
        self.needs: dict[str, Need] = {}
        self.tallies = AreaTallies()
        self._order: list[str] | None = []  # ids in order, for cursors; None when stale
        self._posted_by: defaultdict[str, set[str]] = defaultdict(set)  # need ids by organisation
        self._claimed_by: defaultdict[str, set[str]] = defaultdict(set)  # need ids by claiming organisation

    def put(self, need: Need) -> None:
        old = self.needs.get(need.id)
        if old is not None and old.version > need.version:
            return
        if old is not None:
            self._count(old, -1)
            for claim in old.claims:
                self._claimed_by[claim.organization_id].discard(old.id)
        else:
            self._order = None
            self._posted_by[need.organization_id].add(need.id)
        for claim in need.claims:
            self._claimed_by[claim.organization_id].add(need.id)
        self._count(need, +1)
        self.needs[need.id] = need

    def among(self, *, posted_by: str | None, claimed_by: str | None) -> Collection[str] | None:
        """The ids of the needs an organisation posted, or claimed, or both (None when neither is
        asked), so that an organisation's lists look at its own needs, not at the city's."""
        chosen = [self._posted_by.get(posted_by, set())] if posted_by else []
        if claimed_by:
            chosen.append(self._claimed_by.get(claimed_by, set()))
        return set.intersection(*chosen) if chosen else None

    def _count(self, need: Need, sign: int) -> None:
        for figure, month, n in contributions(need):
            self.tallies.add(need.area_code, figure, need.category.value, month, sign * n)

    def stats(self, node: str = PLATFORM) -> dict[str, object]:
        return self.tallies.of(node).as_dict(FIGURES, MONTHLY)

    def browse(
        self, keep: Callable[[Need], bool], *, after: str | None, limit: int, among: Collection[str] | None = None
    ) -> list[Need]:
        """Up to `limit` needs that `keep` accepts, in id order after `after`; only those of
        `among` (ids) when it is given."""
        if among is not None:
            order = sorted(among)
        else:
            if self._order is None:
                self._order = sorted(self.needs)
            order = self._order
        return first_kept(order, self.needs, keep, after=after, limit=limit)

    def responsive(self, node: str, limit: int) -> list[dict[str, object]]:
        """The organisations that claimed most of the area's needs and saw them done: claims
        completed, made and released, and the median hours from a need's posting to its claim."""
        made: Counter[str] = Counter()
        completed: Counter[str] = Counter()
        released: Counter[str] = Counter()
        waits: defaultdict[str, list[float]] = defaultdict(list)
        for need in self.needs.values():
            if node and not covers(node, need.area_code):
                continue
            for claim in need.claims:
                made[claim.organization_id] += 1
                completed[claim.organization_id] += claim.status is ClaimStatus.COMPLETED
                released[claim.organization_id] += claim.status is ClaimStatus.RELEASED
                if need.posted_at is not None:
                    waits[claim.organization_id].append((claim.made_at - need.posted_at).total_seconds() / 3600)
        ranked = sorted(made, key=lambda o: (-completed[o], -made[o], o))[:limit]
        return [
            {
                "organization_id": o,
                "claims_completed": completed[o],
                "claims_made": made[o],
                "claims_released": released[o],
                "median_hours_to_claim": round(median(waits[o]), 1) if waits[o] else None,
            }
            for o in ranked
        ]

    def due(self, moment: datetime) -> Iterator[Need]:
        """Needs the sweep has something to do for (see `overdue`)."""
        return (need for need in list(self.needs.values()) if overdue(need, moment))


def overdue(need: Need, moment: datetime) -> bool:
    """Open past its deadline, or holding a live claim not started by its start time."""
    if need.status is NeedStatus.OPEN and need.deadline is not None and need.deadline < moment:
        return True
    return any(c.status is ClaimStatus.LIVE and c.start_by is not None and c.start_by < moment for c in need.claims)


def in_area(node: str) -> Callable[[Need], bool]:
    return lambda need: covers(node, need.area_code)
