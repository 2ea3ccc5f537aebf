"""The index's spatial structures, changed in place as events arrive: each category's supply as
arrays with the grid cells that hold each item (`Table`), and the open needs by category and
cell (`NeedCells`). Neither is ever rebuilt from everything the index holds: one new item costs
the same whether the city has ten or ten thousand (a table rebuilt at each new item made a
burst of the city's supply cost minutes of the event loop)."""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from contract.areas import is_city
from contract.events.resources import BookableBy

if TYPE_CHECKING:
    from matching.index.engine import Need, Supply

CELL = 0.05  # degrees: about 5.5 km north-south, 5 km east-west at Fuzhou's latitude
KM_PER_DEGREE = 111.2
Cell = tuple[int, int]
_FLOATS = ("lat", "lon", "radius")
_INTS = ("community", "street", "district", "org", "units", "booked_in", "booked_in_divisor")


def cell_of(lat: float, lon: float) -> Cell:
    return math.floor(lat / CELL), math.floor(lon / CELL)


def area_number(area_code: str, digits: int) -> int:
    return int(area_code[:digits].ljust(digits, "0"))


def subtree(node: str) -> tuple[int, int]:
    """`contract.areas.covers(node, code)` as arithmetic on a code's `area_number(code, 12)`:
    the (number, divisor) for which `area_number(code, 12) // divisor == number` (a node below
    the community counts as its community)."""
    prefix = node[:4] if is_city(node) else node[:12]
    return int(prefix), 10 ** (12 - len(prefix))


def _cells_between(lat: float, lon: float, dlat: float, dlon: float) -> tuple[range, range]:
    """The rows and columns of cells that a box of ±dlat, ±dlon degrees around the point touches."""
    low, high = cell_of(lat - dlat, lon - dlon), cell_of(lat + dlat, lon + dlon)
    return range(low[0], high[0] + 1), range(low[1], high[1] + 1)


class Table:
    """One category's supply as arrays, with the grid of cells that holds each item.

    An item keeps its position while it lives, so the arrays are written in place; a withdrawn
    item leaves a hole (no units, in no cell) until the holes outnumber the living items, when
    the table is compacted in order. `items` therefore holds the holes' last items too: they
    are never near anything, so no pair names them."""

    def __init__(self, number: Callable[[str], int]) -> None:
        self.number = number  # a supplier's number (`Suppliers.number`)
        self._clear()

    def _clear(self) -> None:
        self.items: list[Supply] = []
        self.position: dict[str, int] = {}
        self.lat = self.lon = self.radius = np.zeros(0, dtype=np.float64)
        self.community = self.street = self.district = self.org = self.units = np.zeros(0, dtype=np.int64)
        self.booked_in = self.booked_in_divisor = np.ones(0, dtype=np.int64)  # a venue's area, if it takes only its own
        self.area_only = np.zeros(0, dtype=bool)
        self.partners_only = np.zeros(0, dtype=bool)  # a venue its organisation's partners book only
        self.reach = 0.0  # the widest radius: near() looks this far (wider after a removal, never narrower)
        self._cells: dict[Cell, list[int]] = {}
        self._arrays: dict[Cell, NDArray[np.int64]] = {}  # each cell's positions, made when first asked
        self._holes = 0

    def __len__(self) -> int:
        return len(self.position)

    def put(self, supply: Supply) -> None:
        """A new item at the end, or an item again (changed, or its capacity used) in its place."""
        at = self.position.get(supply.id)
        if at is None:
            at = self.position[supply.id] = len(self.items)
            self.items.append(supply)
            self._grow()
            self._enter(at, cell_of(supply.lat, supply.lon))
        else:
            old, self.items[at] = self.items[at], supply
            if (was := cell_of(old.lat, old.lon)) != (cell := cell_of(supply.lat, supply.lon)):
                self._leave(at, was)
                self._enter(at, cell)
        self.lat[at], self.lon[at], self.radius[at] = supply.lat, supply.lon, supply.radius_km
        self.community[at] = area_number(supply.area_code, 12)
        self.street[at] = self.community[at] // 1000
        self.district[at] = self.street[at] // 1000
        self.org[at] = self.number(supply.organization_id)
        self.units[at] = supply.units_left
        self.area_only[at] = supply.bookable_by == BookableBy.AREA
        self.partners_only[at] = supply.bookable_by == BookableBy.PARTNERS
        self.booked_in[at], self.booked_in_divisor[at] = subtree(supply.area_code)
        self.reach = max(self.reach, supply.radius_km)

    def drop(self, supply_id: str) -> None:
        at = self.position.pop(supply_id, None)
        if at is None:
            return
        gone = self.items[at]
        self._leave(at, cell_of(gone.lat, gone.lon))
        self.units[at] = 0
        self._holes += 1
        if self._holes > max(64, len(self.position)):
            self._compact()

    def near(self, lat: float, lon: float) -> NDArray[np.int64]:
        """Positions of the items in the cells within the widest radius of the point."""
        reach_lat = math.ceil(self.reach / (KM_PER_DEGREE * CELL))
        reach_lon = math.ceil(self.reach / (KM_PER_DEGREE * math.cos(math.radians(lat)) * CELL))
        ci, cj = cell_of(lat, lon)
        found = [
            ix
            for i in range(ci - reach_lat, ci + reach_lat + 1)
            for j in range(cj - reach_lon, cj + reach_lon + 1)
            if (ix := self._positions((i, j))) is not None
        ]
        return np.concatenate(found) if found else np.empty(0, dtype=np.int64)

    def frozen(self) -> Table:
        """A copy that later changes leave alone, for work that hands the event loop back
        between steps (the city-wide rematch): its positions stay those of its `items`."""
        copy = Table(self.number)
        copy.items, copy.position = list(self.items), dict(self.position)
        for name in (*_FLOATS, *_INTS, "area_only", "partners_only"):
            setattr(copy, name, getattr(self, name)[: len(self.items)].copy())
        copy.reach = self.reach
        copy._arrays = {cell: found for cell in self._cells if (found := self._positions(cell)) is not None}
        return copy

    def _positions(self, cell: Cell) -> NDArray[np.int64] | None:
        found = self._arrays.get(cell)
        if found is None and (positions := self._cells.get(cell)):
            found = self._arrays[cell] = np.array(positions, dtype=np.int64)
        return found

    def _enter(self, at: int, cell: Cell) -> None:
        insort(self._cells.setdefault(cell, []), at)  # positions in order, as a rebuilt table had them
        self._arrays.pop(cell, None)

    def _leave(self, at: int, cell: Cell) -> None:
        positions = self._cells[cell]
        positions.remove(at)
        if not positions:
            del self._cells[cell]
        self._arrays.pop(cell, None)

    def _grow(self) -> None:
        if len(self.items) <= len(self.lat):
            return
        size = max(64, 2 * len(self.lat))
        for name in (*_FLOATS, *_INTS, "area_only", "partners_only"):
            old = getattr(self, name)
            grown = np.zeros(size, dtype=old.dtype)
            grown[: len(old)] = old
            setattr(self, name, grown)

    def _compact(self) -> None:
        living = [s for at, s in enumerate(self.items) if self.position.get(s.id) == at]
        self._clear()
        for supply in living:
            self.put(supply)


class NeedCells:
    """The open needs by category and grid cell, each remembering when it came: a new supply
    item looks at the needs around it, in the order the index took them in."""

    def __init__(self) -> None:
        self._cells: dict[str, dict[Cell, dict[str, Need]]] = {}
        self._where: dict[str, tuple[str, Cell]] = {}
        self._order: dict[str, int] = {}
        self._next = 0

    def put(self, need: Need) -> None:
        where = (need.category, cell_of(need.lat, need.lon))
        if (was := self._where.get(need.id)) is not None and was != where:
            self._remove(need.id, was)
        self._cells.setdefault(where[0], {}).setdefault(where[1], {})[need.id] = need
        self._where[need.id] = where
        if need.id not in self._order:
            self._order[need.id], self._next = self._next, self._next + 1

    def drop(self, need_id: str) -> None:
        if (was := self._where.pop(need_id, None)) is not None:
            self._remove(need_id, was)
            del self._order[need_id]

    def around(self, category: str, lat: float, lon: float, dlat: float, dlon: float) -> list[Need]:
        """The needs of the category within ±dlat, ±dlon degrees of the point, oldest first."""
        cells = self._cells.get(category)
        if not cells:
            return []
        rows, columns = _cells_between(lat, lon, dlat, dlon)
        if len(rows) * len(columns) > len(cells):  # a wide box: fewer cells hold needs than it covers
            touched = [c for c in cells if c[0] in rows and c[1] in columns]
        else:
            touched = [(i, j) for i in rows for j in columns if (i, j) in cells]
        found = [n for c in touched for n in cells[c].values() if abs(n.lat - lat) <= dlat and abs(n.lon - lon) <= dlon]
        found.sort(key=lambda n: self._order[n.id])
        return found

    def _remove(self, need_id: str, where: tuple[str, Cell]) -> None:
        category, cell = where
        held = self._cells[category][cell]
        del held[need_id]
        if not held:
            del self._cells[category][cell]
