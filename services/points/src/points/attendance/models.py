"""What is attended and who attended it.

`Attended` is what the service learnt of an activity (from the needs service's activity events)
or of a claim (from its claim events): who organises it, where, on what, when it runs. An
`Attendance` is one person's at one of them: their check-in and check-out, the organisers'
corrections (who, when, why), and what it has earned so far, settled once per event."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from contract.aggregates import Versioned
from contract.events.points import AttendedKind, CheckinData, CheckinDirection

OPENS_BEFORE = timedelta(minutes=60)  # check-in opens this long before the start
CLOSES_AFTER = timedelta(hours=2)  # check-out closes this long after the end
LENGTH_UNKNOWN = timedelta(hours=4)  # an activity announced before its end was, taken to last this long


class Running:
    OPEN = "open"
    CANCELLED = "cancelled"  # an activity called off
    RELEASED = "released"  # a claim given back
    COMPLETED = "completed"  # a claim's work done


class Attended(BaseModel):
    """An activity or a claim, as far as checking in at it goes."""

    id: str  # `{kind}-{attended_id}`
    kind: AttendedKind
    attended_id: str
    organization_id: str  # the activity's organiser; the claimer's organisation, through which its members serve
    organizers: list[str]  # who may show its codes and correct its attendance (the claim's: the poster too)
    status: str = Running.OPEN
    version: int = 0  # the needs service's version of the activity
    area_code: str | None = None
    title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    need_id: str | None = None  # a claim's need, whose place, title and time it takes
    member_id: str | None = None  # a claim's own member: the completed claim pays them already
    own_need: bool = False  # a claim on its own organisation's need: earns nothing

    @staticmethod
    def key(kind: AttendedKind, attended_id: str) -> str:
        return f"{kind.value}-{attended_id}"

    def refusal(self, direction: CheckinDirection, at: datetime) -> tuple[str, str] | None:
        """Why no one may check `direction` now (reason, message), or None when they may."""
        if self.status == Running.CANCELLED:
            return "cancelled", "the activity has been called off"
        if self.status == Running.RELEASED:
            return "cancelled", "the claim has been given back"
        if self.status == Running.COMPLETED and direction is CheckinDirection.IN:
            return "not_running", "the claim's work is done"
        if self.starts_at is None:
            return None  # a claim whose need has no time: while it is live
        ends = self.ends_at or self.starts_at + LENGTH_UNKNOWN
        if at < self.starts_at - OPENS_BEFORE:
            return "not_running", f"check-in opens at {(self.starts_at - OPENS_BEFORE).isoformat()}"
        if direction is CheckinDirection.IN and at > ends:
            return "not_running", f"it ended at {ends.isoformat()}"
        if at > ends + CLOSES_AFTER:
            return "not_running", f"it ended at {ends.isoformat()}"
        return None

    def earns_for(self, person: str) -> bool:
        """Whether attending it earns: not a claim on its own organisation's need, nor the
        claim's own member, whom the completed claim pays."""
        if self.kind is AttendedKind.CLAIM:
            return not self.own_need and person != f"member:{self.member_id}"
        return True


class Correction(BaseModel):
    by: str  # the organiser's organisation (and, when a member acted, `member:{id}`)
    at: datetime
    reason: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    absent: bool


class Settlement(BaseModel):
    """What one recorded event made the attendance earn (negative: taken back)."""

    points: int = 0
    minutes: int = 0


class Attendance(Versioned):
    kind: AttendedKind
    attended_id: str
    person: str  # `member:{id}` or `resident:{id}`
    organization_id: str
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    absent: bool = False
    corrections: list[Correction] = Field(default_factory=list)
    settled: dict[str, Settlement] = Field(default_factory=dict)  # by the id of the event that earned

    @staticmethod
    def key(kind: AttendedKind, attended_id: str, person: str) -> str:
        return hashlib.sha256(f"{kind.value}|{attended_id}|{person}".encode()).hexdigest()[:32]

    @property
    def earned(self) -> Settlement:
        return Settlement(
            points=sum(s.points for s in self.settled.values()),
            minutes=sum(s.minutes for s in self.settled.values()),
        )

    def data(
        self, at: datetime, direction: CheckinDirection | None = None, correction: Correction | None = None
    ) -> CheckinData:
        return CheckinData(
            attendance_id=self.id,
            person=self.person,
            kind=self.kind,
            attended_id=self.attended_id,
            organization_id=self.organization_id,
            direction=direction,
            at=at,
            checked_in_at=self.checked_in_at,
            checked_out_at=self.checked_out_at,
            absent=self.absent,
            corrected_by=correction.by if correction else None,
            reason=correction.reason if correction else None,
        )


def attended_minutes(data: CheckinData) -> int | None:
    """The whole minutes from check-in to check-out, as an event recorded them; None when the
    person did not attend (absent, or not checked in and out)."""
    if data.absent or data.checked_in_at is None or data.checked_out_at is None:
        return None
    return max(0, int((data.checked_out_at - data.checked_in_at).total_seconds() // 60))
