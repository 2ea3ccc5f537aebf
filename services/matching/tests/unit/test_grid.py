"""The index's tables and needs, kept in place, hold what a rebuild from everything would."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np

from matching.index.engine import Need, Supply
from matching.index.grid import KM_PER_DEGREE, NeedCells, Table

LAT, LON = 26.08, 119.30


def random_supply(rng: random.Random, n: int) -> Supply:
    return Supply(
        id=f"s{n}",
        organization_id=f"org{rng.randrange(30)}",
        kind="service",
        category="tutoring",
        area_code=f"3501020{rng.randrange(10, 20)}00{rng.randrange(1, 4)}",
        lat=LAT + rng.uniform(-0.3, 0.3),
        lon=LON + rng.uniform(-0.3, 0.3),
        capacity=rng.randrange(0, 5),
        radius_km=rng.choice((3.0, 5.0, 10.0)),
        bookable_by=rng.choice(("anyone", "area")),
    )


def rebuilt(items: list[Supply], numbers: dict[str, int]) -> Table:
    table = Table(lambda org: numbers.setdefault(org, len(numbers)))
    for item in items:
        table.put(item)
    return table


def assert_same(kept: Table, fresh: Table) -> None:
    """The same items near every point, in the same order, with the same figures."""
    rng = random.Random(1)
    for _ in range(50):
        lat, lon = LAT + rng.uniform(-0.3, 0.3), LON + rng.uniform(-0.3, 0.3)
        mine, theirs = kept.near(lat, lon), fresh.near(lat, lon)
        assert [kept.items[i].id for i in mine] == [fresh.items[i].id for i in theirs]
        for name in ("lat", "lon", "radius", "community", "street", "district", "org", "units", "area_only"):
            assert np.array_equal(getattr(kept, name)[mine], getattr(fresh, name)[theirs]), name


def test_a_table_changed_item_by_item_holds_what_one_built_afresh_holds() -> None:
    rng, numbers = random.Random(7), {}
    kept = Table(lambda org: numbers.setdefault(org, len(numbers)))
    living: dict[str, Supply] = {}  # in the order they first came, as the index's dict keeps them
    for n in range(3000):
        step = rng.random()
        if step < 0.6 or not living:
            item = random_supply(rng, n)
        elif step < 0.8:  # moved, its capacity changed
            old = living[rng.choice(sorted(living))]
            item = replace(old, lat=old.lat + rng.uniform(-0.1, 0.1), capacity=rng.randrange(5))
        else:
            gone = living.pop(rng.choice(sorted(living)))
            kept.drop(gone.id)
            continue
        kept.put(item)
        living[item.id] = item
    assert len(kept) == len(living)
    assert_same(kept, rebuilt(list(living.values()), numbers))
    assert_same(kept.frozen(), rebuilt(list(living.values()), numbers))


def test_a_frozen_table_is_left_alone_by_later_changes() -> None:
    rng, numbers = random.Random(3), {}
    items = [random_supply(rng, n) for n in range(200)]
    table = rebuilt(items, numbers)
    frozen = table.frozen()
    for item in items[:150]:
        table.drop(item.id)  # compacts the table: its positions change
    table.put(random_supply(rng, 999))
    assert_same(frozen, rebuilt(items, numbers))


def test_needs_around_a_point_are_those_a_scan_of_all_finds_in_the_order_they_came() -> None:
    rng = random.Random(11)
    cells, everything = NeedCells(), {}
    for n in range(2000):
        need = Need(
            id=f"n{n % 1500}",  # some posted again: they keep their first place
            organization_id="poster",
            category=rng.choice(("tutoring", "legal_aid")),
            area_code="350102001001",
            lat=LAT + rng.uniform(-0.5, 0.5),
            lon=LON + rng.uniform(-0.5, 0.5),
            quantity=1,
        )
        if rng.random() < 0.1:
            cells.drop(need.id)
            everything.pop(need.id, None)
            continue
        cells.put(need)
        everything[need.id] = need
    for radius_km in (3.0, 10.0, 400.0):
        reach = radius_km / KM_PER_DEGREE
        scanned = [
            n.id
            for n in everything.values()
            if n.category == "tutoring" and abs(n.lat - LAT) <= reach and abs(n.lon - LON) <= 2 * reach
        ]
        assert [n.id for n in cells.around("tutoring", LAT, LON, reach, 2 * reach)] == scanned
