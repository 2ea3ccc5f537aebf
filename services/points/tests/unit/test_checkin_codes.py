"""The check-in codes: signed, naming what is attended, the way and the minute; good in their
minute and the next one only; anything altered is no code. And what an attendance earns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contract.events.points import AttendedKind, CheckinDirection
from points.attendance import codes
from points.attendance.models import Attended, Running
from points.rules.models import RuleTerms

KEY = b"a test key of the points service"
ACTIVITY = "0123456789abcdef0123456789abcdef"
AT = datetime(2026, 12, 5, 9, 30, 15, tzinfo=UTC)


def test_a_code_reads_back_as_what_it_names() -> None:
    text = codes.make(KEY, AttendedKind.ACTIVITY, ACTIVITY, CheckinDirection.OUT, AT)
    code = codes.read(KEY, text)
    assert (code.kind, code.attended_id, code.direction) == (AttendedKind.ACTIVITY, ACTIVITY, CheckinDirection.OUT)
    assert code.valid_until() == datetime(2026, 12, 5, 9, 32, tzinfo=UTC)


def test_a_code_is_good_in_its_minute_and_the_next_only() -> None:
    code = codes.read(KEY, codes.make(KEY, AttendedKind.CLAIM, ACTIVITY, CheckinDirection.IN, AT))
    assert code.is_current(AT) and code.is_current(AT + timedelta(seconds=100))
    assert not code.is_current(AT + timedelta(minutes=2))  # a photo shown later
    assert not code.is_current(AT - timedelta(minutes=1))  # not made yet
    assert not code.is_current(AT + timedelta(days=1))


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t.replace(".in.", ".out."),  # the other way
        lambda t: t.replace("a.", "c.", 1),  # a claim of that id
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # a signature of its own
        lambda t: t.rsplit(".", 1)[0],  # none
        lambda t: "",
    ],
)
def test_an_altered_code_is_no_code(alter: object) -> None:
    text = codes.make(KEY, AttendedKind.ACTIVITY, ACTIVITY, CheckinDirection.IN, AT)
    with pytest.raises(codes.BadCode):
        codes.read(KEY, alter(text))  # type: ignore[operator]
    with pytest.raises(codes.BadCode):
        codes.read(b"another key", text)


def test_an_attendance_earns_its_own_points_and_the_hours_pro_rata() -> None:
    terms = RuleTerms(points_per_attendance=5, points_per_attended_hour=10)
    assert terms.attendance_points(0) == 5
    assert terms.attendance_points(90) == 20
    assert terms.attendance_points(59) == 14  # rounded down


def test_check_in_opens_an_hour_before_the_start_and_check_out_closes_two_hours_after_the_end() -> None:
    starts = AT + timedelta(hours=3)
    held = Attended(
        id="activity-x",
        kind=AttendedKind.ACTIVITY,
        attended_id=ACTIVITY,
        organization_id="o",
        organizers=["o"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    in_, out = CheckinDirection.IN, CheckinDirection.OUT
    assert held.refusal(in_, starts - timedelta(minutes=61)) is not None
    assert held.refusal(in_, starts - timedelta(minutes=59)) is None
    assert held.refusal(in_, starts + timedelta(hours=2, minutes=1)) is not None  # ended: no one comes now
    assert held.refusal(out, starts + timedelta(hours=3, minutes=59)) is None
    assert held.refusal(out, starts + timedelta(hours=4, minutes=1)) is not None
    called_off = held.model_copy(update={"status": Running.CANCELLED})
    assert called_off.refusal(in_, starts) == ("cancelled", "the activity has been called off")
