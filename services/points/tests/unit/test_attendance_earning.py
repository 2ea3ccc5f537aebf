"""What an attendance earns, on fakes of our own ports: its points within the daily cap, its
minutes whole; each event settled once however often it comes; a correction moving only the
difference, and taking back no more than the person holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from contract.events import Envelope
from contract.events.points import AttendedKind, CheckinDirection, CheckinRecorded, Unit
from points.attendance.earning import AttendanceEarning
from points.attendance.models import Attendance, Attended
from points.ledger.service import Ledger
from points.ledger.view import Balances
from points.rules.models import RuleSet
from points.rules.service import Rules

from .fakes import FakeMovements

AT = datetime(2026, 12, 5, 9, tzinfo=UTC)
ACTIVITY = "0123456789abcdef0123456789abcdef"
PERSON = "member:m1"


class OneRuleSet:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    async def latest(self) -> RuleSet | None:
        return self.rules

    async def add(self, rules: RuleSet) -> bool:
        return False


class Known:
    async def get(self, kind: AttendedKind, attended_id: str) -> Attended:
        return Attended(
            id=f"activity-{attended_id}", kind=kind, attended_id=attended_id, organization_id="o", organizers=["o"]
        )


class Records:
    def __init__(self) -> None:
        self.record = Attendance(
            id="att1", kind=AttendedKind.ACTIVITY, attended_id=ACTIVITY, person=PERSON, organization_id="o"
        )

    async def change(
        self, aggregate_id: str, decide: Callable[[Attendance], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Attendance, list[Envelope]]:
        changed = self.record.model_copy(deep=True)
        events = list(decide(changed))
        self.record = changed
        return changed, events


@pytest.fixture
def parts() -> tuple[AttendanceEarning, Ledger, Records]:
    balances = Balances()
    ledger = Ledger(FakeMovements(balances), balances)
    rules = Rules(
        OneRuleSet(
            RuleSet(
                version=3,
                made_at=AT,
                made_by="seed",
                points_per_attendance=5,
                points_per_attended_hour=10,
                daily_cap=30,
            )
        )
    )
    records = Records()
    return AttendanceEarning(ledger, rules, Known(), records), ledger, records


def recorded(
    minutes: int | None, *, absent: bool = False, direction: CheckinDirection | None = CheckinDirection.OUT
) -> CheckinRecorded:
    record = Attendance(
        id="att1",
        kind=AttendedKind.ACTIVITY,
        attended_id=ACTIVITY,
        person=PERSON,
        organization_id="o",
        checked_in_at=None if absent else AT,
        checked_out_at=None if absent or minutes is None else AT + timedelta(minutes=minutes),
        absent=absent,
    )
    return CheckinRecorded(source="points", subject="att1", time=AT, data=record.data(AT, direction))


def held(ledger: Ledger) -> tuple[int, int]:
    return ledger.balances.balance(PERSON, Unit.POINTS), ledger.balances.balance(PERSON, Unit.MINUTES)


async def test_a_check_out_earns_once_however_often_it_comes(parts: tuple[AttendanceEarning, Ledger, Records]) -> None:
    earning, ledger, records = parts
    await earning.rules.load()
    check_out = recorded(60)
    for _ in range(3):
        await earning.on_checkin_recorded(check_out)
    assert held(ledger) == (15, 60)
    assert records.record.earned.points == 15 and list(records.record.settled) == [check_out.id]


async def test_the_daily_cap_holds_and_a_correction_moves_the_difference_taking_back_what_is_held(
    parts: tuple[AttendanceEarning, Ledger, Records],
) -> None:
    earning, ledger, records = parts
    await earning.rules.load()
    await earning.on_checkin_recorded(recorded(None, direction=CheckinDirection.IN))  # a check-in alone: nothing
    assert held(ledger) == (0, 0)
    await earning.on_checkin_recorded(recorded(240))  # 5 + 40 points, capped at 30 a day
    assert held(ledger) == (30, 240)
    await earning.on_checkin_recorded(recorded(120, direction=None))  # corrected to two hours: 25 due
    assert held(ledger) == (25, 120)
    await ledger.move(PERSON, "shop:s1", Unit.POINTS, 20, cause_id="order1", cause_type="test", at=AT)
    await earning.on_checkin_recorded(recorded(None, absent=True, direction=None))  # absent after all
    assert held(ledger) == (0, 0)  # the 5 points held taken back, the 20 spent stay spent
    assert records.record.earned.points == 20
