"""The matching engine: what matching knows of open needs and supply, which pairs are feasible,
how well each fits and why, and the assignment of supply to needs.

Everything here is in memory and without I/O. Supply is kept per category in a `Table` of numpy
arrays with a grid of cells about 5 km wide, open needs in `NeedCells` on the same grid (both in
matching.index.grid, changed in place as events arrive); a need's candidates come from the cells
within reach of it, never from all pairs, and so do a new supply item's needs. Scores are
computed for a block of needs against their candidates at once.

A pair is feasible when it shares a category, the need lies within the supplier's service
radius, the supplier has capacity left, it is another organisation that has not been proposed
more than `max_per_day` times today, the need's visibility lets it see the need, the venue's
booking rules let the need's organisation book it, and (a venue) it is free at the need's time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from contract.events.matching import Reason
from contract.events.needs import Visibility
from matching.index.grid import KM_PER_DEGREE, NeedCells, Table, area_number, cell_of, subtree
from runtime.partners import Partnered, nobody

DEFAULT_RADIUS_KM = 5.0  # a supplier that names no service radius (a venue: how far people go)
URGENCY = {"low": 0.25, "normal": 0.5, "high": 0.75, "urgent": 1.0}
WEIGHTS = {
    "distance": 0.35,  # 1 at the supplier's door, 0 at the edge of its service radius
    "neighbourhood": 0.15,  # 1 same community, 0.6 same street, 0.3 same district (近邻合伙人)
    "urgency": 0.15,
    "age": 0.10,  # a need waiting 14 days or more counts fully
    "reliability": 0.15,  # the supplier's completed claims against its released ones, and its ratings
    "fairness": 0.10,  # 1 for a supplier not proposed today, 0 at `max_per_day`
}
AGE_DAYS = 14.0


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Need:
    id: str
    organization_id: str
    category: str
    area_code: str
    lat: float
    lon: float
    quantity: int
    claimed: int = 0
    urgency: str = "normal"
    posted_at: datetime = field(default_factory=now)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    visibility: str = "public"
    visible_to: str | None = None  # unless public; none in events from before it was published: its own area

    @property
    def open_units(self) -> int:
        return max(0, self.quantity - self.claimed)


@dataclass(slots=True)
class Supply:
    id: str
    organization_id: str
    kind: str  # venue, lendable, service
    category: str
    area_code: str
    lat: float
    lon: float
    capacity: int
    radius_km: float = DEFAULT_RADIUS_KM
    bookable_by: str = "anyone"
    taken: dict[str, int] = field(default_factory=dict)  # units of accepted requests, by request
    busy: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)  # a venue's bookings, by booking

    @property
    def units_left(self) -> int:
        return max(0, self.capacity - sum(self.taken.values()))

    def free(self, start: datetime | None, end: datetime | None) -> bool:
        if self.kind != "venue" or start is None or end is None:
            return True
        return not any(s < end and start < e for s, e in self.busy.values())


class Suppliers:
    """What matching learns of supplying organisations, by number: their record (completed and
    released claims, and the stars those who received their help gave them) and how often they
    were proposed today, as arrays for scoring blocks."""

    def __init__(self, max_per_day: int) -> None:
        self.max_per_day = max_per_day
        self.numbers: dict[str, int] = {}
        self.completed = np.zeros(1024, dtype=np.int64)
        self.released = np.zeros(1024, dtype=np.int64)
        self.ratings = np.zeros(1024, dtype=np.int64)
        self.praise = np.zeros(1024, dtype=np.float64)  # the ratings' stars, each 1 to 5 counted as 0 to 1
        self.proposed = np.zeros(1024, dtype=np.int64)  # today's
        self.day = now().date()

    def number(self, organization_id: str) -> int:
        found = self.numbers.get(organization_id)
        if found is None:
            found = self.numbers[organization_id] = len(self.numbers)
            if found == len(self.proposed):
                self.completed, self.released, self.ratings, self.praise, self.proposed = (
                    np.concatenate([a, np.zeros_like(a)])
                    for a in (self.completed, self.released, self.ratings, self.praise, self.proposed)
                )
        return found

    def reliability(self, numbers: NDArray[np.int64]) -> NDArray[np.float64]:
        """The share of a supplier's record that went well, starting from an even 1 in 2: a
        completed claim counts as one good outcome and a released one as one bad outcome; a
        rating is one outcome too, as good as its stars (5 stars a good one, 1 star a bad one,
        3 stars half of each). That is (completed + Σ(stars − 1)/4 + 1) / (completed +
        released + ratings + 2)."""
        done, dropped = self.completed[numbers], self.released[numbers]
        rated, praise = self.ratings[numbers], self.praise[numbers]
        result: NDArray[np.float64] = (done + praise + 1) / (done + dropped + rated + 2)
        return result

    def fairness(self, numbers: NDArray[np.int64]) -> NDArray[np.float64]:
        """1 for a supplier not proposed today, 0 once proposed `max_per_day` times."""
        self._roll()
        result: NDArray[np.float64] = np.maximum(0.0, 1 - self.proposed[numbers] / self.max_per_day)
        return result

    def record(self, organization_id: str, *, proposed: int = 0, completed: int = 0, released: int = 0) -> None:
        self._roll()
        number = self.number(organization_id)
        self.proposed[number] += proposed
        self.completed[number] += completed
        self.released[number] += released

    def rate(self, organization_id: str, stars: int) -> None:
        """One rating of help the organisation gave, 1 to 5 stars."""
        number = self.number(organization_id)
        self.ratings[number] += 1
        self.praise[number] += (stars - 1) / 4

    def _roll(self) -> None:
        if (today := now().date()) != self.day:
            self.day = today
            self.proposed[:] = 0


@dataclass(frozen=True)
class Candidates:
    """Feasible pairs as parallel arrays: need position, supply position (in `supply`), score."""

    needs: list[Need]
    supply: list[Supply]
    need_ix: NDArray[np.int64]
    supply_ix: NDArray[np.int64]
    score: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.score)


class Index:
    """Open needs and available supply, as events tell of them."""

    def __init__(self, *, max_per_day: int = 20) -> None:
        self.needs: dict[str, Need] = {}
        self.supply: dict[str, Supply] = {}
        self.suppliers = Suppliers(max_per_day)
        self.areas: dict[str, str] = {}  # organisation → area code
        self.partners: Partnered = nobody  # who co-builds with whom (`runtime.partners`)
        self._tables: dict[str, Table] = {}
        self._need_cells = NeedCells()

    # --- keeping current ------------------------------------------------------------

    def put_need(self, need: Need) -> None:
        if need.open_units > 0:
            self.needs[need.id] = need
            self._need_cells.put(need)
        else:
            self.drop_need(need.id)

    def drop_need(self, need_id: str) -> None:
        self.needs.pop(need_id, None)
        self._need_cells.drop(need_id)

    def put_supply(self, supply: Supply) -> None:
        old = self.supply.get(supply.id)
        if old is not None:
            supply.taken, supply.busy = old.taken, old.busy
            if old.category != supply.category:
                self.table(old.category).drop(old.id)
        self.supply[supply.id] = supply
        self.table(supply.category).put(supply)

    def drop_supply(self, supply_id: str) -> None:
        gone = self.supply.pop(supply_id, None)
        if gone is not None:
            self.table(gone.category).drop(supply_id)

    def changed(self, supply: Supply) -> None:
        """Its capacity changed (a calendar is read from the item itself at each proposal)."""
        if self.supply.get(supply.id) is supply:
            self.table(supply.category).put(supply)

    def table(self, category: str) -> Table:
        found = self._tables.get(category)
        if found is None:
            found = self._tables[category] = Table(self.suppliers.number)
        return found

    # --- feasibility and score ----------------------------------------------------------

    def candidates(self, needs: Iterable[Need], *, top: int | None, moment: datetime | None = None) -> Candidates:
        """The feasible pairs of these needs, scored; with `top`, only each need's `top` best."""
        steps = self.scoring(needs, top=top, moment=moment)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                result: Candidates = done.value
                return result

    def scoring(
        self, needs: Iterable[Need], *, top: int | None, moment: datetime | None = None, frozen: bool = False
    ) -> Generator[None, None, Candidates]:
        """`candidates`, one step at a time: needs sharing a category and a cell are scored
        against their candidates as one block, and each block is a step. With `frozen`, the
        steps may be taken with the index changing in between (each category's table is copied
        when first used); the pairs found are those of the index as it was then."""
        moment = moment or now()
        needs = [n for n in needs if n.open_units > 0]
        groups: defaultdict[tuple[str, tuple[int, int]], list[int]] = defaultdict(list)
        for i, n in enumerate(needs):
            groups[n.category, cell_of(n.lat, n.lon)].append(i)
        supply: list[Supply] = []
        tables: dict[str, Table] = {}
        offsets: dict[str, int] = {}
        parts: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]] = []
        for (category, _), members in groups.items():
            if category not in tables:
                tables[category] = self.table(category).frozen() if frozen else self.table(category)
                offsets[category] = len(supply)
                supply.extend(tables[category].items)
            table = tables[category]
            first = needs[members[0]]
            near = table.near(first.lat, first.lon)
            if len(near) == 0:
                continue
            block = [needs[i] for i in members]
            scores = self._score_block(block, table, near, moment)
            rows, cols = self._keep(scores, top)
            if len(rows):
                need_ix = np.asarray(members, dtype=np.int64)[rows]
                parts.append((need_ix, near[cols] + offsets[category], scores[rows, cols]))
            yield
        if not parts:
            empty = np.empty(0, dtype=np.int64)
            return Candidates(needs, supply, empty, empty, np.empty(0))
        need_ix, supply_ix, score = (np.concatenate(p) for p in zip(*parts, strict=True))
        booked = _booked(supply, supply_ix)
        keep = np.ones(len(score), dtype=bool)
        for k in np.nonzero(booked)[0]:
            need = needs[need_ix[k]]
            keep[k] = supply[supply_ix[k]].free(need.starts_at, need.ends_at)
        return Candidates(needs, supply, need_ix[keep], supply_ix[keep], score[keep])

    @staticmethod
    def _keep(scores: NDArray[np.float64], top: int | None) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(row, column) of the feasible entries, or of each row's `top` best of them."""
        if top is not None and scores.shape[1] > top:
            best = np.argpartition(-scores, top - 1, axis=1)[:, :top]
            rows = np.repeat(np.arange(scores.shape[0]), top)
            cols = best.ravel()
            feasible = scores[rows, cols] > -np.inf
            return rows[feasible], cols[feasible]
        rows, cols = np.nonzero(scores > -np.inf)
        return rows.astype(np.int64), cols.astype(np.int64)

    def _score_block(
        self, block: list[Need], table: Table, near: NDArray[np.int64], moment: datetime
    ) -> NDArray[np.float64]:
        """Scores of each need of the block (rows) against each nearby item (columns); -inf
        where the pair is not feasible."""
        lat = np.array([n.lat for n in block])[:, None]
        lon = np.array([n.lon for n in block])[:, None]
        km = distance_km(lat, lon, table.lat[near][None, :], table.lon[near][None, :])
        radius = table.radius[near][None, :]
        community = np.array([area_number(n.area_code, 12) for n in block], dtype=np.int64)[:, None]
        street, district = community // 1000, community // 1_000_000
        same_community = community == table.community[near][None, :]
        same_street = street == table.street[near][None, :]
        neighbourhood = np.where(
            same_community, 1.0, np.where(same_street, 0.6, np.where(district == table.district[near][None, :], 0.3, 0))
        )
        orgs = table.org[near]
        fairness = self.suppliers.fairness(orgs)
        need_terms = np.array(
            [WEIGHTS["urgency"] * URGENCY.get(n.urgency, 0.5) + WEIGHTS["age"] * age(n, moment) for n in block]
        )[:, None]
        score = (
            WEIGHTS["distance"] * (1 - km / radius)
            + WEIGHTS["neighbourhood"] * neighbourhood
            + need_terms
            + (WEIGHTS["reliability"] * self.suppliers.reliability(orgs) + WEIGHTS["fairness"] * fairness)[None, :]
        )
        own = np.array([self.suppliers.numbers.get(n.organization_id, -1) for n in block])[:, None]
        # contract.eligibility, for every pair at once: the need shown to the supplier (an
        # organisation), the venue booked by the need's organisation (of the need's area)
        # a need for partners is bounded by who its partners are, not by an area (`_partnered`)
        public = np.array([n.visibility != Visibility.AREA for n in block])[:, None]
        shown = np.array([subtree(n.visible_to or n.area_code) for n in block], dtype=np.int64)
        suppliers = table.community[near][None, :]
        bookable = community // table.booked_in_divisor[near][None, :] == table.booked_in[near][None, :]
        feasible = (
            (km <= radius)
            & (table.units[near] > 0)[None, :]
            & (fairness > 0)[None, :]
            & (own != orgs[None, :])
            & (public | (suppliers // shown[:, 1:] == shown[:, :1]))
            & (~table.area_only[near][None, :] | bookable)
        )
        self._partnered(feasible, block, table, near)
        return np.where(feasible, score, -np.inf)

    def _partnered(self, feasible: NDArray[np.bool_], block: list[Need], table: Table, near: NDArray[np.int64]) -> None:
        """contract.eligibility's partners, pair by pair where they matter (needs and venues
        "for partners" are few): a need for partners takes the supply of its organisation's
        partners only; a venue for partners serves the needs of its organisation's partners only."""
        for_partners = [i for i, n in enumerate(block) if n.visibility == Visibility.PARTNERS]
        venues = np.flatnonzero(table.partners_only[near])
        if not for_partners and not len(venues):
            return
        items = table.items
        for i in for_partners:
            need = block[i]
            for j in np.flatnonzero(feasible[i]):
                supplier = items[near[j]].organization_id
                feasible[i, j] = self.partners(supplier, need.organization_id, need.visible_to)
        for column in venues:
            venue = items[near[column]]
            for row in np.flatnonzero(feasible[:, column]):
                feasible[row, column] = self.partners(
                    block[row].organization_id, venue.organization_id, venue.area_code
                )

    def best_for_need(self, need: Need, limit: int) -> list[tuple[Supply, float]]:
        """The need's `limit` best feasible supply items, best first: the items near it scored
        against it alone (`candidates` lays a batch's whole categories out first), a booked
        venue passed over for the next when its calendar is taken then."""
        table = self._tables.get(need.category)
        if need.open_units <= 0 or table is None or len(near := table.near(need.lat, need.lon)) == 0:
            return []
        scores = self._score_block([need], table, near, now())[0]
        best: list[tuple[Supply, float]] = []
        for k in np.argsort(-scores):
            if len(best) == limit or scores[k] == -np.inf:
                break
            item = table.items[near[k]]
            if not item.busy or item.free(need.starts_at, need.ends_at):
                best.append((item, float(scores[k])))
        return best

    def best_for_supply(self, supply: Supply, limit: int) -> list[tuple[Need, float]]:
        """The open needs a supply item serves best, best first: those of its category within
        its reach, scored against this one item (feasibility included)."""
        table = self.table(supply.category)
        if table.position.get(supply.id) is None:
            return []  # not in the index (withdrawn meanwhile)
        reach = supply.radius_km / KM_PER_DEGREE
        close = [
            n
            for n in self._need_cells.around(supply.category, supply.lat, supply.lon, reach, 2 * reach)
            if n.open_units > 0 and supply.free(n.starts_at, n.ends_at)
        ]
        if not close:
            return []
        scores = self._score_block(close, table, np.array([table.position[supply.id]]), now())[:, 0]
        order = [k for k in np.argsort(-scores)[:limit] if scores[k] > -np.inf]
        return [(close[k], float(scores[k])) for k in order]

    def reasons(self, need: Need, supply: Supply, moment: datetime | None = None) -> list[Reason]:
        """Why a pair scores what it does: each term with its weight and value ("why this match")."""
        moment = moment or now()
        km = float(distance_km(need.lat, need.lon, supply.lat, supply.lon))
        number = self.suppliers.number(supply.organization_id)
        values = {
            "distance": max(0.0, 1 - km / supply.radius_km),
            "neighbourhood": neighbourhood(need.area_code, supply.area_code),
            "urgency": URGENCY.get(need.urgency, 0.5),
            "age": age(need, moment),
            "reliability": float(self.suppliers.reliability(np.array([number]))[0]),
            "fairness": float(self.suppliers.fairness(np.array([number]))[0]),
        }
        return [Reason(name=name, weight=WEIGHTS[name], value=round(value, 4)) for name, value in values.items()]


def _booked(supply: list[Supply], supply_ix: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which pairs name a venue with bookings (its calendar is then read), looking only at the
    items the pairs name."""
    named = np.unique(supply_ix)
    busy = np.zeros(len(supply), dtype=bool)
    busy[named] = [bool(supply[j].busy) for j in named]
    booked: NDArray[np.bool_] = busy[supply_ix]
    return booked


def distance_km(lat1: object, lon1: object, lat2: object, lon2: object) -> NDArray[np.float64]:
    """Distance on the plane tangent at the first point: within 0.1% up to 50 km."""
    la1, lo1, la2, lo2 = (np.asarray(v, dtype=np.float64) for v in (lat1, lon1, lat2, lon2))
    dy = (la2 - la1) * KM_PER_DEGREE
    dx = (lo2 - lo1) * KM_PER_DEGREE * np.cos(np.radians(la1))
    result: NDArray[np.float64] = np.hypot(dx, dy)
    return result


def neighbourhood(a: str, b: str) -> float:
    return 1.0 if a[:12] == b[:12] else 0.6 if a[:9] == b[:9] else 0.3 if a[:6] == b[:6] else 0.0


def age(need: Need, moment: datetime) -> float:
    return min(1.0, max(0.0, (moment - need.posted_at) / timedelta(days=AGE_DAYS)))
