"""The standings kept in memory: what counts as work done, where a member counts, an
organisation's move, attendance counted once however often corrected, points taken back, and
the assessment's hours."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from contract.events.points import Unit
from points.boards import view
from points.boards.service import hours
from points.boards.view import ALL_TIME, EVERYWHERE, Standings
from points.ledger.models import CITY, Movement
from points.ledger.service import day_of

COMMUNITY = "350102001001"
AT = datetime(2026, 12, 5, 2, tzinfo=UTC)


def movement(
    to: str,
    amount: int,
    *,
    unit: Unit = Unit.POINTS,
    cause: str = "e1",
    cause_type: str = "claim.completed",
    area_code: str | None = COMMUNITY,
    organization_id: str | None = "o1",
    from_account: str = CITY,
    work_id: str | None = None,
) -> Movement:
    return Movement(
        id=f"{cause}|{unit.value}|{to}",
        from_account=from_account,
        to_account=to,
        unit=unit,
        amount=amount,
        cause_event_id=cause,
        cause_type=cause_type,
        rule_version=1,
        at=AT,
        day=day_of(AT),
        area_code=area_code,
        organization_id=organization_id,
        work_id=work_id,
    )


def test_a_member_counts_where_the_work_was_done_at_every_level_and_period() -> None:
    standings = Standings()
    standings.put(movement("member:m1", 30))
    for area in (COMMUNITY, COMMUNITY[:9], COMMUNITY[:6], COMMUNITY[:4], EVERYWHERE):
        for period in ("2026-12", "2026", ALL_TIME):
            assert standings.members(area, period, Unit.POINTS, 10) == [("m1", 30)]
    assert standings.members("350102001002", "2026-12", Unit.POINTS, 10) == []
    assert standings.members(COMMUNITY, "2026-11", Unit.POINTS, 10) == []


def test_a_member_without_a_place_counts_where_the_organisation_is_and_spending_counts_nowhere() -> None:
    standings = Standings()
    standings.place("o1", "350102002003")
    standings.put(movement("member:m1", 10, area_code=None))
    standings.put(movement("member:m2", 99, from_account="shop:s1", cause="r1", area_code=None, organization_id=None))
    assert standings.members("350102002003", "2026", Unit.POINTS, 10) == [("m1", 10)]
    assert standings.members(EVERYWHERE, "2026", Unit.POINTS, 10) == [("m1", 10)]


def test_an_organisation_counts_where_it_is_registered_now() -> None:
    standings = Standings()
    standings.place("o1", COMMUNITY)
    standings.put(movement("organization:o1", 20, area_code="350103001001"))
    assert standings.organizations(COMMUNITY, "2026-12", Unit.POINTS, 10) == [("o1", 20)]
    standings.place("o1", "350103001001")
    assert standings.organizations(COMMUNITY, "2026-12", Unit.POINTS, 10) == []
    assert standings.organizations("350103", "2026-12", Unit.POINTS, 10) == [("o1", 20)]


def test_a_members_year_counts_each_claim_and_attendance_once_whatever_its_units() -> None:
    standings = Standings()
    standings.put(movement("member:m1", 10, cause="c1"))
    standings.put(movement("member:m1", 90, unit=Unit.MINUTES, cause="c1"))
    standings.put(movement("member:m1", 5, cause="a1", cause_type="attendance.recorded"))
    standings.put(movement("member:m1", 60, unit=Unit.MINUTES, cause="a2", cause_type="checkin.completed"))
    year = standings.year("m1", "2026")
    assert (year.points, year.minutes, len(year.claims), len(year.attended)) == (15, 150, 1, 2)
    assert standings.worked_through({"o1"}, "2026") == {"m1"}
    assert hours(150) == "2:30" and hours(5) == "0:05"


def test_a_corrected_attendance_counts_once_and_what_is_taken_back_comes_off() -> None:
    standings = Standings()
    checked_out = {"cause_type": "checkin.recorded", "work_id": "activity:a1"}
    standings.put(movement("member:m1", 20, cause="out", **checked_out))
    standings.put(movement("member:m1", 10, cause="corrected", **checked_out))
    standings.put(movement(CITY, 25, cause="absent", from_account="member:m1", **checked_out))
    year = standings.year("m1", "2026")
    assert (year.points, len(year.attended)) == (5, 1)
    assert standings.members(COMMUNITY, "2026", Unit.POINTS, 10) == [("m1", 5)]


def test_a_board_is_ranked_again_once_it_changed() -> None:
    standings = Standings()
    standings.put(movement("member:m1", 10, cause="c1"))
    assert standings.members(COMMUNITY, "2026", Unit.POINTS, 10) == [("m1", 10)]
    standings.put(movement("member:m2", 20, cause="c2"))
    assert standings.members(COMMUNITY, "2026", Unit.POINTS, 10) == [("m2", 20), ("m1", 10)]


async def test_a_big_board_that_changed_is_answered_as_last_ranked_and_ranked_again_just_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(view, "FRESH_SECONDS", 0.0)
    standings = Standings()
    for i in range(view.BIG + 1):
        standings.put(movement(f"member:m{i}", 1, cause=f"c{i}"))
    assert standings.members(COMMUNITY, "2026", Unit.POINTS, 1) == [("m0", 1)]
    standings.put(movement("member:m7", 50, cause="later"))

    assert standings.members(COMMUNITY, "2026", Unit.POINTS, 1) == [("m0", 1)]  # no ask waits for the ranking
    await asyncio.sleep(0)  # the loop's next turn ranks it again
    assert standings.members(COMMUNITY, "2026", Unit.POINTS, 1) == [("m7", 51)]


def test_a_time_banks_minutes_count_as_work_only_when_served() -> None:
    standings = Standings()
    served = movement("member:m1", 60, unit=Unit.MINUTES, cause="a1", cause_type="timebank.served")
    returned = movement("member:m2", 60, unit=Unit.MINUTES, cause="a2", cause_type="timebank.returned")
    granted = movement("member:m3", 90, unit=Unit.MINUTES, cause="g1", cause_type="timebank.granted")
    for one in (served, returned, granted):
        standings.put(one)

    assert standings.members(COMMUNITY, "2026", Unit.MINUTES, 10) == [("m1", 60)]
    assert (standings.year("m2", "2026").minutes, standings.year("m3", "2026").minutes) == (0, 0)
