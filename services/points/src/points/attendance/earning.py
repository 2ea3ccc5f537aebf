"""What an attendance earns: on a check-out or a correction (each a `checkin.recorded` event,
heard back from the service's own topic), the points and minutes its check-in to check-out is
worth under the rules in force, less what it earned already, to the person's account, within
the daily cap. A correction thus moves only the difference (given, or taken back), as a
movement whose cause is the correction's event.

Each event is settled once: what it earns is decided and kept in the attendance first (the
same event heard again finds it decided), then posted as movements whose ids derive from the
event (posted again, the ledger refuses them as the same)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from contract.events import Envelope
from contract.events.points import AttendedKind, CheckinDirection, CheckinRecorded, Unit
from points.attendance.models import Attendance, Attended, Settlement, attended_minutes
from points.ledger.models import CITY, Where
from points.ledger.service import Ledger, day_of, issuing
from points.rules.service import Rules


class AttendedLookup(Protocol):
    async def get(self, kind: AttendedKind, attended_id: str) -> Attended: ...


class AttendanceChanges(Protocol):
    async def change(
        self, aggregate_id: str, decide: Callable[[Attendance], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Attendance, list[Envelope]]: ...


class AttendanceEarning:
    def __init__(self, ledger: Ledger, rules: Rules, attendances: AttendedLookup, records: AttendanceChanges) -> None:
        self.ledger = ledger
        self.rules = rules
        self.attendances = attendances
        self.records = records

    async def on_checkin_recorded(self, event: CheckinRecorded) -> None:
        data = event.data
        if data.direction is CheckinDirection.IN:
            return  # a check-in alone earns nothing yet
        attended = await self.attendances.get(data.kind, data.attended_id)
        minutes = attended_minutes(data) if attended.earns_for(data.person) else None
        rules = self.rules.current
        due = Settlement() if minutes is None else Settlement(points=rules.attendance_points(minutes), minutes=minutes)

        def settle(record: Attendance) -> list[Envelope]:
            if event.id not in record.settled:
                record.settled[event.id] = self._difference(data.person, due, record.earned, event)
            return []

        record, _ = await self.records.change(data.attendance_id, settle, quiet=True)
        settled = record.settled[event.id]
        where = Where(
            area_code=attended.area_code,
            organization_id=attended.organization_id,
            about=attended.title,
            work_id=f"{data.kind.value}:{data.attended_id}",
        )
        for unit, amount in ((Unit.POINTS, settled.points), (Unit.MINUTES, settled.minutes)):
            if amount > 0:
                await self.ledger.issue(
                    issuing(
                        data.person,
                        unit,
                        amount,
                        cause_id=event.id,
                        cause_type=event.type,
                        at=event.time,
                        rule_version=rules.version,
                        where=where,
                    )
                )
            elif amount < 0:  # taken back, as far as it was decided it could be
                await self.ledger.move(
                    data.person,
                    CITY,
                    unit,
                    -amount,
                    cause_id=event.id,
                    cause_type=event.type,
                    at=event.time,
                    rule_version=rules.version,
                    overdraft=-amount,
                    where=where,
                )

    def _difference(self, person: str, due: Settlement, earned: Settlement, event: CheckinRecorded) -> Settlement:
        """What is still to be given (within the daily cap) or taken back (no more than the
        person holds: what they spent stays spent)."""
        rules = self.rules.current
        balances = self.ledger.balances
        points = due.points - earned.points
        if points > 0:
            points = rules.capped(points, balances.earned_on(person, day_of(event.time)))
        elif points < 0:
            points = -min(-points, max(0, balances.balance(person, Unit.POINTS)))
        minutes = due.minutes - earned.minutes
        if minutes < 0:
            minutes = -min(-minutes, max(0, balances.balance(person, Unit.MINUTES)))
        return Settlement(points=points, minutes=minutes)
