"""The resources service's read model: every resource in memory, on a grid of cells about a
kilometre wide for "near a point", every venue's holding bookings in time order for "free
between", and what is shared counted for every node of the area hierarchy (`runtime.tallies`).

Loaded from the database (or a snapshot) at start, it then takes each resource and booking as
this process writes them and as read again after any replica's write (`runtime.replica`); one
never replaces a later version, so applying one twice or late changes nothing. Bookings are
the truth here, not slots: a slot left behind by a process that died mid-booking never hides a
free venue.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime

from contract.areas import covers
from resources.bookings.models import HOLDING, Booking
from resources.resources.models import SHARED, Resource
from runtime.pagination import first_kept
from runtime.tallies import AreaTallies

CELL_DEGREES = 0.01  # about 1.1 km north-south; 1.0 km east-west at Fuzhou's latitude
EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    km: float


class Timeline:
    """One venue's holding bookings, by start; they never overlap, so ends are in order too."""

    def __init__(self) -> None:
        self.starts: list[datetime] = []
        self.entries: list[tuple[datetime, datetime, str]] = []

    def add(self, booking: Booking) -> None:
        entry = (booking.starts_at, booking.ends_at, booking.id)
        at = bisect_left(self.entries, entry)
        self.entries.insert(at, entry)
        self.starts.insert(at, booking.starts_at)

    def remove(self, booking: Booking) -> None:
        entry = (booking.starts_at, booking.ends_at, booking.id)
        at = bisect_left(self.entries, entry)
        if at < len(self.entries) and self.entries[at] == entry:
            del self.entries[at], self.starts[at]

    def between(self, start: datetime, end: datetime) -> list[str]:
        """Ids of the bookings that overlap [start, end)."""
        last = bisect_left(self.starts, end)  # those starting before `end`
        first = last
        while first > 0 and self.entries[first - 1][1] > start:
            first -= 1
        return [booking_id for _, _, booking_id in self.entries[first:last]]

    def free(self, start: datetime, end: datetime) -> bool:
        last = bisect_left(self.starts, end)
        return last == 0 or self.entries[last - 1][1] <= start


class SupplyView:
    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.bookings: dict[str, Booking] = {}
        self.timelines: defaultdict[str, Timeline] = defaultdict(Timeline)
        self.grid: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
        self.districts: defaultdict[str, set[str]] = defaultdict(set)  # resource ids by district code
        self._order: list[str] = []  # resource ids in order, for cursors
        self._shared_by: defaultdict[str, set[str]] = defaultdict(set)  # resource ids by organisation
        self._bookings_of: defaultdict[str, set[str]] = defaultdict(
            set
        )  # booking ids by booker and venue's organisation
        self.tallies = AreaTallies()  # shared (published or paused) by kind, category and month shared

    def put_resource(self, resource: Resource) -> None:
        old = self.resources.get(resource.id)
        if old is not None and old.version > resource.version:
            return
        if old is None:
            insort(self._order, resource.id)
            self._shared_by[resource.organization_id].add(resource.id)
        else:
            self._count(old, -1)
            self.districts[old.area_code[:6]].discard(old.id)
            if old.lat is not None and old.lon is not None:
                self.grid[_cell(old.lat, old.lon)].discard(old.id)
        if resource.lat is not None and resource.lon is not None:
            self.grid[_cell(resource.lat, resource.lon)].add(resource.id)
        self.districts[resource.area_code[:6]].add(resource.id)
        self._count(resource, +1)
        self.resources[resource.id] = resource

    def _count(self, resource: Resource, sign: int) -> None:
        if resource.status in SHARED:
            month = f"{resource.created_at:%Y-%m}"
            self.tallies.add(resource.area_code, resource.kind.value, resource.category.value, month, sign)

    def in_area(self, area_code: str) -> Iterator[Resource]:
        """The resources of an area's subtree (every one for ""), looking only in its district
        when it is in one (a city's code ends in `00`: its districts are all looked in)."""
        if not area_code:
            yield from self.resources.values()
            return
        district = area_code[:6]
        looked_in = self.resources if district.endswith("00") else self.districts.get(district, ())
        for resource_id in looked_in:
            resource = self.resources[resource_id]
            if covers(area_code, resource.area_code):
                yield resource

    def put_booking(self, booking: Booking) -> None:
        old = self.bookings.get(booking.id)
        if old is not None and old.version > booking.version:
            return
        if old is not None and old.status in HOLDING:
            self.timelines[old.venue_id].remove(old)
        if booking.status in HOLDING:
            self.timelines[booking.venue_id].add(booking)
        if old is None:
            for party in (booking.organization_id or booking.resident_id, booking.venue_organization_id):
                if party is not None:
                    self._bookings_of[party].add(booking.id)
        self.bookings[booking.id] = booking

    def busy(self, venue_id: str, start: datetime, end: datetime) -> list[Booking]:
        """The holding bookings of a venue that overlap [start, end), in time order."""
        timeline = self.timelines.get(venue_id)
        return [self.bookings[i] for i in timeline.between(start, end)] if timeline else []

    def is_free(self, venue_id: str, start: datetime, end: datetime) -> bool:
        timeline = self.timelines.get(venue_id)
        return timeline is None or timeline.free(start, end)

    def near(self, near: Near) -> Iterator[tuple[Resource, float]]:
        """Resources within `near.km` of the point, with their distance, unordered: from the grid
        cells the circle's bounding box touches, never from all resources."""
        dlat = near.km / 111.2
        dlon = near.km / (111.2 * max(math.cos(math.radians(near.lat)), 0.01))
        (lat0, lon0), (lat1, lon1) = _cell(near.lat - dlat, near.lon - dlon), _cell(near.lat + dlat, near.lon + dlon)
        for i in range(lat0, lat1 + 1):
            for j in range(lon0, lon1 + 1):
                for resource_id in self.grid.get((i, j), ()):
                    resource = self.resources[resource_id]
                    assert resource.lat is not None and resource.lon is not None
                    km = distance_km(near.lat, near.lon, resource.lat, resource.lon)
                    if km <= near.km:
                        yield resource, km

    def browse(
        self, keep: Callable[[Resource], bool], *, after: str | None, limit: int, among: Collection[str] | None = None
    ) -> list[Resource]:
        """Up to `limit` resources that `keep` accepts, in id order after `after`; only those of
        `among` (ids) when it is given."""
        order = sorted(among) if among is not None else self._order
        return first_kept(order, self.resources, keep, after=after, limit=limit)

    def shared_by(self, organization_id: str) -> set[str]:
        """The ids of an organisation's resources."""
        return self._shared_by.get(organization_id, set())

    def bookings_of(self, party: str) -> list[Booking]:
        """The bookings an organisation or a resident (`party`, an id) made, and those of an
        organisation's venues."""
        return [self.bookings[i] for i in self._bookings_of.get(party, ())]
