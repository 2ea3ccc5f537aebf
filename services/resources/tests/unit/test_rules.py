"""The booking rules that need no database: opening hours, half hours, series, periods, the read model."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from contract.bodies.resources import SeriesCreate
from contract.errors import Conflict, Unprocessable
from contract.events.resources import BookingStatus, CapacityPeriod, ResourceKind, ResourceStatus
from contract.opening_hours import LOCAL, OpeningPeriod
from contract.periods import period_of
from contract.taxonomy import Category
from devkit.testing import next_weekday
from resources.bookings.models import Booking
from resources.bookings.rules import check_time, repeat, slot_starts, widen
from resources.resources.models import SHARED, Resource
from resources.view import Near, SupplyView, distance_km


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL)


NEXT_MONDAY = next_weekday(1)


def venue(**fields: object) -> Resource:
    base: dict[str, object] = {
        "id": "v" * 32,
        "organization_id": "o" * 32,
        "kind": ResourceKind.VENUE,
        "name": "活动室",
        "category": Category.VENUE,
        "area_code": "350102001001",
        "lat": 26.07,
        "lon": 119.3,
        "capacity": 30,
    }
    return Resource.model_validate(base | fields)


def booking(booking_id: str, start: datetime, hours: float, status: BookingStatus = BookingStatus.CONFIRMED) -> Booking:
    return Booking(
        id=booking_id,
        venue_id="v" * 32,
        venue_organization_id="o" * 32,
        organization_id="b" * 32,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        status=status,
    )


class TestOpeningHours:
    weekdays = OpeningPeriod(days=[1, 2, 3, 4, 5], opens=time(9), closes=time(18))

    def test_a_range_inside_one_opening_is_open(self) -> None:
        assert self.weekdays.covers(local(NEXT_MONDAY, 9), local(NEXT_MONDAY, 18))

    def test_before_opening_after_closing_or_on_a_closed_day_is_not(self) -> None:
        assert not self.weekdays.covers(local(NEXT_MONDAY, 8, 30), local(NEXT_MONDAY, 10))
        assert not self.weekdays.covers(local(NEXT_MONDAY, 17), local(NEXT_MONDAY, 18, 30))
        saturday = NEXT_MONDAY + timedelta(days=5)
        assert not self.weekdays.covers(local(saturday, 10), local(saturday, 11))

    def test_closing_at_midnight_takes_the_evening_to_its_end(self) -> None:
        late = OpeningPeriod(opens=time(18), closes=time(0))
        assert late.covers(local(NEXT_MONDAY, 22), local(NEXT_MONDAY + timedelta(days=1), 0))

    def test_opening_hours_are_local_whatever_zone_the_times_come_in(self) -> None:
        nine_local_in_utc = local(NEXT_MONDAY, 9).astimezone(UTC)  # 01:00 UTC
        assert self.weekdays.covers(nine_local_in_utc, nine_local_in_utc + timedelta(hours=2))


class TestCheckTime:
    def test_a_booking_in_the_rules_passes(self) -> None:
        check_time(venue(), local(NEXT_MONDAY, 10), local(NEXT_MONDAY, 12), 30)

    @pytest.mark.parametrize(
        ("start", "end", "people", "words"),
        [
            (local(NEXT_MONDAY, 10, 15), local(NEXT_MONDAY, 12), 1, "half hour"),
            (local(NEXT_MONDAY, 6), local(NEXT_MONDAY, 8), 1, "not open"),
            (local(NEXT_MONDAY, 10), local(NEXT_MONDAY, 12), 31, "holds 30"),
            (local(NEXT_MONDAY - timedelta(days=14), 10), local(NEXT_MONDAY - timedelta(days=14), 12), 1, "begun"),
            (local(NEXT_MONDAY + timedelta(days=400), 10), local(NEXT_MONDAY + timedelta(days=400), 12), 1, "a year"),
        ],
    )
    def test_a_booking_outside_them_is_refused_with_the_reason(
        self, start: datetime, end: datetime, people: int, words: str
    ) -> None:
        with pytest.raises(Unprocessable, match=words):
            check_time(venue(), start, end, people)


class TestSeries:
    def test_monthly_keeps_the_day_of_the_month_and_skips_months_without_it(self) -> None:
        first = local(date(2031, 1, 31), 19)
        series = SeriesCreate(starts_at=first, ends_at=first + timedelta(hours=2), repeat="monthly", count=4)
        starts = [start.date() for start, _ in repeat(series)]
        assert starts == [date(2031, 1, 31), date(2031, 3, 31), date(2031, 5, 31), date(2031, 7, 31)]

    def test_weekly_until_a_day_includes_that_day(self) -> None:
        first = local(date(2031, 1, 7), 19)
        until = date(2031, 1, 28)
        series = SeriesCreate(starts_at=first, ends_at=first + timedelta(hours=2), repeat="weekly", until=until)
        assert [s.day for s, _ in repeat(series)] == [7, 14, 21, 28]
        assert all(e - s == timedelta(hours=2) for s, e in repeat(series))


def test_a_matched_time_is_widened_to_the_half_hours_that_cover_it() -> None:
    start, end = widen(local(NEXT_MONDAY, 9, 10), local(NEXT_MONDAY, 10, 40))
    assert (start, end) == (local(NEXT_MONDAY, 9), local(NEXT_MONDAY, 11))
    assert len(slot_starts(start, end)) == 4


def test_capacity_periods_are_a_day_an_iso_week_or_a_month() -> None:
    day = date(2026, 12, 7)
    assert period_of(CapacityPeriod.DAY, day) == "2026-12-07"
    assert period_of(CapacityPeriod.WEEK, day) == "2026-W50"
    assert period_of(CapacityPeriod.MONTH, day) == "2026-12"


class TestReadModel:
    def test_free_between_sees_every_holding_booking_that_overlaps(self) -> None:
        view = SupplyView()
        view.put_resource(venue())
        day = NEXT_MONDAY
        view.put_booking(booking("a", local(day, 9), 1))
        view.put_booking(booking("b", local(day, 13), 4))
        view.put_booking(booking("c", local(day, 11), 1, BookingStatus.CANCELLED))
        vid = "v" * 32
        assert view.is_free(vid, local(day, 10), local(day, 13))
        assert not view.is_free(vid, local(day, 16), local(day, 18))  # inside b
        assert not view.is_free(vid, local(day, 8), local(day, 9, 30))
        assert [b.id for b in view.busy(vid, local(day, 0), local(day, 23))] == ["a", "b"]

    def test_a_newer_version_replaces_an_older_one_and_frees_its_time(self) -> None:
        view = SupplyView()
        start = local(NEXT_MONDAY, 9)
        view.put_booking(booking("a", start, 2))
        cancelled = booking("a", start, 2, BookingStatus.CANCELLED).model_copy(update={"version": 2})
        view.put_booking(cancelled)
        view.put_booking(booking("a", start, 2))  # late, older: ignored
        assert view.is_free("v" * 32, start, start + timedelta(hours=2))

    def test_a_partys_bookings_are_found_among_its_own_not_the_citys(self) -> None:
        view = SupplyView()
        start = local(NEXT_MONDAY, 9)
        view.put_booking(booking("a", start, 1))
        view.put_booking(
            booking("b", start, 1, BookingStatus.CANCELLED).model_copy(update={"organization_id": "c" * 32})
        )
        view.put_booking(booking("c", start, 1).model_copy(update={"organization_id": None, "resident_id": "r" * 32}))
        view.put_booking(booking("a", start, 1, BookingStatus.CANCELLED).model_copy(update={"version": 2}))

        def ids(party: str) -> list[str]:
            return sorted(b.id for b in view.bookings_of(party))

        assert ids("o" * 32) == ["a", "b", "c"]  # the venue's organisation
        assert ids("b" * 32) == ["a"] and ids("c" * 32) == ["b"] and ids("r" * 32) == ["c"]
        assert view.bookings_of("b" * 32)[0].status is BookingStatus.CANCELLED  # the newest version
        assert ids("x" * 32) == []

    def test_near_answers_only_what_lies_within_the_distance(self) -> None:
        view = SupplyView()
        for i, (lat, lon) in enumerate([(26.07, 119.30), (26.08, 119.30), (26.10, 119.30), (26.30, 119.30)]):
            view.put_resource(venue(id=f"{i:032d}", lat=lat, lon=lon))
        found = {r.id[-1]: round(km, 1) for r, km in view.near(Near(26.07, 119.30, 3.5))}
        assert found == {"0": 0.0, "1": 1.1, "2": 3.3}
        assert distance_km(26.07, 119.30, 26.30, 119.30) == pytest.approx(25.6, abs=0.1)


class TestCapacity:
    def test_a_request_takes_once_and_gives_back_what_it_took(self) -> None:
        service = venue(kind=ResourceKind.SERVICE, capacity=10)
        service.take("2026-12", "r1", 6)
        service.take("2026-12", "r1", 6)  # a retry after a crash: nothing more is taken
        assert service.used == {"2026-12": 6}
        with pytest.raises(Conflict, match="only 4"):
            service.take("2026-12", "r2", 5)
        service.give_back("2026-12", "r1")
        service.give_back("2026-12", "r1")
        service.take("2026-12", "r2", 10)
        assert service.used == {"2026-12": 10}
        assert "takes" in service.model_dump() and service.model_dump()["used"] == {"2026-12": 10}


class TestTheReadModelsAreas:
    def test_an_areas_resources_are_those_of_its_subtree_and_a_city_has_all_its_districts(self) -> None:
        view = SupplyView()
        gulou = venue(id="a" * 32, area_code="350102001001")
        taijiang = venue(id="b" * 32, area_code="350103002001")
        for resource in (gulou, taijiang):
            view.put_resource(resource)

        def ids(area_code: str) -> set[str]:
            return {r.id for r in view.in_area(area_code)}

        assert ids("") == ids("350100") == {gulou.id, taijiang.id}
        assert ids("350102") == ids("350102001") == ids("350102001001") == {gulou.id}
        assert ids("350102002") == ids("350104") == set()
        view.put_resource(gulou.model_copy(update={"area_code": "350104001001", "version": gulou.version + 1}))
        assert (ids("350102"), ids("350104")) == (set(), {gulou.id})

    def test_an_areas_figures_are_what_a_count_of_its_shared_resources_gives_after_any_writes(self) -> None:
        view, rng = SupplyView(), random.Random(7)
        areas = ["350102001001", "350102001002", "350102002001", "350103002001", "350104001001"]
        statuses = list(ResourceStatus)
        kinds, categories = list(ResourceKind), [Category.VENUE, Category.MEDICAL, Category.CULTURE]
        for _ in range(400):  # new resources, and new versions moving, changing status and kind
            resource_id = f"{rng.randrange(60):032d}"
            old = view.resources.get(resource_id)
            view.put_resource(
                venue(
                    id=resource_id,
                    version=old.version + 1 if old else 1,
                    area_code=rng.choice(areas),
                    status=rng.choice(statuses),
                    kind=rng.choice(kinds),
                    category=rng.choice(categories),
                    created_at=datetime(2026, rng.randint(1, 12), 1, tzinfo=UTC),
                )
            )
        view.put_resource(venue(id=f"{0:032d}", version=1))  # an older version: changes nothing

        def counted(area_code: str) -> dict[str, object]:
            shared = [r for r in view.in_area(area_code) if r.status in SHARED]
            by_category: dict[str, dict[str, int]] = {}
            by_month: dict[str, dict[str, int]] = {}
            for r in shared:
                for key, into in ((r.category.value, by_category), (f"{r.created_at:%Y-%m}", by_month)):
                    into.setdefault(key, dict.fromkeys((k.value for k in ResourceKind), 0))[r.kind.value] += 1
            return {
                "totals": {k.value: sum(r.kind is k for r in shared) for k in ResourceKind},
                "by_category": dict(sorted(by_category.items())),
                "by_month": dict(sorted(by_month.items())),
            }

        kinds_named = [k.value for k in ResourceKind]
        for area_code in ["", "350100", "350102", "350102001", "350102001001", "350103", "350105", *areas]:
            assert view.tallies.of(area_code).as_dict(kinds_named, kinds_named) == counted(area_code), area_code
        assert sum(view.tallies.of("").totals.values()) > 0
