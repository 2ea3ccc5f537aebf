"""The standings, kept in memory from every movement for work done (at start, then each new one),
so that a leaderboard of any area and period, or a member's year, is answered without a query.

What counts is what an account received for work done: a movement from the city's issuing
account (what the earning rules give), or one naming where the work was done or through which
organisation (a time bank's hours served among them); spending in a shop and its refunds do
not, nor a time bank's minutes held for an ask, returned when it is cancelled, or granted.

- A member counts in the area where the work was done (the movement's `area_code`), or, when it
  names none, in the area of the organisation it was done through (as far as the registry had
  told this service when the movement was counted): people serve where they live (双报到), not
  only where their organisation sits.
- An organisation counts in the area where it is registered now: its totals are kept per period
  and joined to the organisations of an area when a board is asked for.

Members are kept per (area prefix, period, unit) for the prefixes of a community (city: its
first four digits, district, street, community, and "" for everywhere), so a board is one
counter's largest entries. A board is ranked again only when what it ranks changed since, and a
big one (a city's, more than `BIG` entries) at most once every `FRESH_SECONDS`, just after it
was asked for, while that ask is answered as it was last ranked: ranking 200,000 members takes
tens of milliseconds, which a board asked for while postings stream in would otherwise pay."""

from __future__ import annotations

import asyncio
import heapq
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from contract.areas import is_city
from contract.events.points import Unit
from points.ledger.models import CITY, Movement
from points.timebank.models import NOT_WORK

EVERYWHERE = ""
ALL_TIME = "all"
KEPT = 200  # a board ranks at most this many
BIG, FRESH_SECONDS = 10_000, 1.0
OLD_SECONDS = 10.0  # a big board last ranked longer ago than this is ranked again before it is answered


def prefixes(area_code: str) -> tuple[str, ...]:
    """The keys an area's standings are counted under: everywhere, its city (first four digits),
    district, street and community."""
    return EVERYWHERE, area_code[:4], area_code[:6], area_code[:9], area_code[:12]


def area_key(area_code: str | None) -> str:
    """The key of a node's board: "" for none, a city's first four digits, else its code."""
    if area_code is None:
        return EVERYWHERE
    return area_code[:4] if is_city(area_code) else area_code


def periods(day: str) -> tuple[str, str, str]:
    """The periods a movement of the city day `day` (`2026-12-05`) counts in: its month, its year, all time."""
    return day[:7], day[:4], ALL_TIME


def for_work(movement: Movement) -> bool:
    """Given for work done: not a time bank's minutes held, returned or granted."""
    if movement.cause_type in NOT_WORK:
        return False
    return movement.from_account == CITY or movement.area_code is not None or movement.organization_id is not None


@dataclass
class Year:
    """A member's year, for their annual assessment."""

    points: int = 0
    minutes: int = 0
    claims: set[str] = field(default_factory=set)  # the causes' event ids
    attended: set[str] = field(default_factory=set)  # what was attended (`activity:{id}`)


def attendance(cause_type: str) -> bool:
    return cause_type.startswith(("attendance", "checkin"))


Ranked = list[tuple[str, int]]


@dataclass(frozen=True)
class Kept:
    """A board as it was last ranked: what it had seen, when, and the ranking."""

    seen: object
    at: float
    ranked: Ranked


class Standings:
    def __init__(self) -> None:
        self._members: defaultdict[tuple[str, str, Unit], Counter[str]] = defaultdict(Counter)
        self._organizations: defaultdict[tuple[str, Unit], Counter[str]] = defaultdict(Counter)
        self._changed: Counter[tuple[str, ...]] = Counter()  # a board's key -> changes counted
        self._ranked: dict[tuple[str, ...], Kept] = {}
        self._ranking: set[tuple[str, ...]] = set()  # big boards to be ranked again soon
        self._area_of: dict[str, str] = {}  # organisation -> where it is registered
        self._placements = 0  # how often an organisation was placed or moved
        self._in_area: defaultdict[str, set[str]] = defaultdict(set)  # prefix -> organisations
        self._years: dict[tuple[str, str], Year] = {}  # (member, year) -> their year
        self._through: defaultdict[tuple[str, str], set[str]] = defaultdict(set)  # (organisation, year) -> members

    def place(self, organization_id: str, area_code: str) -> None:
        """Where the registry says an organisation is registered (again, when it moved)."""
        before = self._area_of.get(organization_id)
        if before == area_code:
            return
        if before is not None:
            for prefix in prefixes(before):
                self._in_area[prefix].discard(organization_id)
        self._area_of[organization_id] = area_code
        self._placements += 1
        for prefix in prefixes(area_code):
            self._in_area[prefix].add(organization_id)

    def put(self, movement: Movement) -> None:
        """Counts a movement stored (at start, or just inserted), when it was for work done: to
        whoever received it, and off a member it was taken back from (an attendance corrected)."""
        if not for_work(movement):
            return
        kind, _, owner = movement.to_account.partition(":")
        if kind == "organization":
            for period in periods(movement.day):
                self._organizations[period, movement.unit][owner] += movement.amount
                self._changed[period, movement.unit] += 1
        elif kind == "member":
            self._count_member(owner, movement, movement.amount)
        elif movement.to_account == CITY and movement.from_account.startswith("member:"):
            self._count_member(movement.from_account.partition(":")[2], movement, -movement.amount)

    def _count_member(self, member: str, movement: Movement, amount: int) -> None:
        unit = movement.unit
        area = movement.area_code or self._area_of.get(movement.organization_id or "")
        for prefix in prefixes(area) if area else (EVERYWHERE,):
            for period in periods(movement.day):
                self._members[prefix, period, unit][member] += amount
                self._changed[prefix, period, unit] += 1
        year_of = movement.day[:4]
        year = self._years.setdefault((member, year_of), Year())
        if unit is Unit.POINTS:
            year.points += amount
        else:
            year.minutes += amount
        if amount > 0 and movement.cause_type == "claim.completed":
            year.claims.add(movement.cause_event_id)
        elif amount > 0 and attendance(movement.cause_type):
            year.attended.add(movement.work_id or movement.cause_event_id)  # one attendance, however corrected
        if movement.organization_id:
            self._through[movement.organization_id, year_of].add(member)

    def members(self, area: str, period: str, unit: Unit, limit: int) -> Ranked:
        """The members who received the most of `unit` for work in `area` (a key of `area_key`) in `period`."""
        counted = self._members.get((area, period, unit), Counter())
        seen = self._changed[area, period, unit]
        return self._kept(("member", area, period, unit), seen, len(counted), lambda: _largest(counted.items()))[:limit]

    def organizations(self, area: str, period: str, unit: Unit, limit: int) -> Ranked:
        """The organisations registered in `area` that received the most of `unit` in `period`."""
        totals = self._organizations.get((period, unit), Counter())
        there = self._in_area.get(area, set())
        seen = (self._changed[period, unit], self._placements)

        def rank() -> Ranked:
            return _largest((o, totals[o]) for o in there if totals.get(o))

        return self._kept(("organization", area, period, unit), seen, len(there), rank)[:limit]

    def _kept(self, key: tuple[str, ...], seen: object, size: int, rank: Callable[[], Ranked]) -> Ranked:
        """The board of `key` as last ranked, unless it changed since. A big one that changed is
        answered as last ranked, and ranked again once the loop has answered (if it was ranked
        more than `FRESH_SECONDS` ago), unless that was more than `OLD_SECONDS` ago (a board
        seldom asked for): then it is ranked before it is answered."""
        kept = self._ranked.get(key)
        if kept is not None and kept.seen == seen:
            return kept.ranked
        if kept is not None and size > BIG and time.monotonic() - kept.at < OLD_SECONDS:
            if time.monotonic() - kept.at >= FRESH_SECONDS and key not in self._ranking:
                self._ranking.add(key)
                asyncio.get_running_loop().call_soon(self._rank, key, seen, rank)
            return kept.ranked
        return self._rank(key, seen, rank)

    def _rank(self, key: tuple[str, ...], seen: object, rank: Callable[[], Ranked]) -> Ranked:
        self._ranking.discard(key)
        ranked = rank()
        self._ranked[key] = Kept(seen, time.monotonic(), ranked)
        return ranked

    def area_of(self, organization_id: str) -> str | None:
        return self._area_of.get(organization_id)

    def organizations_in(self, area: str) -> set[str]:
        return set(self._in_area.get(area, ()))

    def year(self, member: str, year: str) -> Year:
        return self._years.get((member, year)) or Year()

    def worked_through(self, organization_ids: set[str], year: str) -> set[str]:
        """The members who did work through any of those organisations in `year`."""
        return set().union(*(self._through.get((o, year), set()) for o in organization_ids))


def _largest(items: Iterable[tuple[str, int]]) -> Ranked:
    """The `KEPT` largest amounts, the largest first (equal amounts by name)."""
    return sorted(heapq.nlargest(KEPT, items, key=itemgetter(1)), key=lambda one: (-one[1], one[0]))
