"""The 双报到 report's arithmetic: the city's calendar month, the part of it a registration was
in force, hours to the minute, and the XLSX rows made of a report."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from contract.events.points import Unit
from points.ledger.models import Movement
from points.registrations.models import Registration, Status
from points.registrations.report import CITY_TIME, Month, Report, hours_of, hours_text, workbook

DECEMBER = Month("2026-12")


def registration(
    decided: datetime | None, ended: datetime | None = None, status: Status = Status.ACCEPTED
) -> Registration:
    return Registration(
        id="r1",
        member_id="m1",
        name="李党员",
        community_code="350121990001",
        status=status,
        declared_at=datetime(2026, 11, 1, tzinfo=UTC),
        decided_at=decided,
        ended_at=ended,
    )


def credit(minutes: int, about: str | None) -> Movement:
    at = datetime(2026, 12, 3, tzinfo=UTC)
    return Movement(
        id=f"{about}{minutes}",
        from_account="city",
        to_account="member:m1",
        unit=Unit.MINUTES,
        amount=minutes,
        cause_event_id="e",
        cause_type="claim.completed",
        rule_version=1,
        at=at,
        day="2026-12-03",
        area_code="350121990001",
        about=about,
    )


class TestAMonth:
    def test_is_the_citys_calendar_month(self) -> None:
        start, end = DECEMBER.bounds()
        assert (start, end) == (datetime(2026, 12, 1, tzinfo=CITY_TIME), datetime(2027, 1, 1, tzinfo=CITY_TIME))
        assert start.astimezone(UTC) == datetime(2026, 11, 30, 16, tzinfo=UTC)

    @pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-12", "2026-00", ""])
    def test_is_written_year_dash_month(self, text: str) -> None:
        with pytest.raises(ValueError):
            Month(text)


class TestTheTimeARegistrationCounts:
    def test_is_the_part_of_the_month_it_was_in_force(self) -> None:
        start, end = DECEMBER.bounds()
        accepted = datetime(2026, 12, 10, tzinfo=UTC)
        moved = datetime(2026, 12, 20, tzinfo=UTC)
        assert registration(accepted).counts_between(start, end) == (accepted, end)
        assert registration(accepted, moved, Status.ENDED).counts_between(start, end) == (accepted, moved)
        assert registration(start - timedelta(days=40)).counts_between(start, end) == (start, end)

    def test_is_none_when_it_was_not_in_force(self) -> None:
        start, end = DECEMBER.bounds()
        assert registration(None, status=Status.PENDING).counts_between(start, end) is None
        assert registration(end + timedelta(days=1)).counts_between(start, end) is None
        assert registration(start, status=Status.DECLINED).counts_between(start, end) is None
        ended_before = registration(start - timedelta(days=9), start - timedelta(days=1), Status.ENDED)
        assert ended_before.counts_between(start, end) is None


def test_hours_are_kept_to_the_minute() -> None:
    assert [hours_text(m) for m in (0, 59, 60, 150, 601)] == ["0:00", "0:59", "1:00", "2:30", "10:01"]


def test_the_workbook_has_a_row_per_kind_of_work_and_the_members_total() -> None:
    line = hours_of(
        registration(datetime(2026, 12, 1, tzinfo=UTC)), [credit(90, "助老"), credit(45, "助老"), credit(30, None)]
    )
    assert (line.minutes, line.hours) == (165, "2:45")
    report = Report(organization_id="o1", month="2026-12", minutes=165, hours="2:45", members=[line])
    sheet = load_workbook(io.BytesIO(workbook(report))).active
    assert sheet is not None
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ["李党员", "m1", "350121990001", "助老", 2, 135, "2:15"],
        ["李党员", "m1", "350121990001", "—", 1, 30, "0:30"],
        ["李党员", "m1", "350121990001", "合计 Total", 3, 165, "2:45"],
    ]
