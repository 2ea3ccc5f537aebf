"""The points service's events: movements of its double-entry ledger, one event per movement."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from contract.events.base import Data, Envelope


class Unit(StrEnum):
    POINTS = "points"
    MINUTES = "minutes"  # service hours, kept to the minute


class MovementData(Data):
    """A movement: `amount` taken from `from_account` and given to `to_account` (accounts are
    `city`, `organization:{id}`, `member:{id}`, `resident:{id}`, `shop:{id}` or `area:{code}`),
    because of the event `cause_event_id` of type `cause_type`, under the earning rules' version
    `rule_version`; for work done, where (`area_code`), through which organisation
    (`organization_id`) and on what (`about`: the need's or activity's title)."""

    movement_id: str
    from_account: str
    to_account: str
    unit: Unit
    amount: int
    cause_event_id: str
    cause_type: str
    rule_version: int
    at: datetime
    area_code: str | None = None
    organization_id: str | None = None
    about: str | None = None


class PointsPosted(Envelope):
    """Emitted when points moved between two accounts of the ledger (earned for help given)."""

    type: Literal["points.posted"] = "points.posted"
    data: MovementData


class HoursPosted(Envelope):
    """Emitted when service minutes moved between two accounts of the ledger (time served)."""

    type: Literal["hours.posted"] = "hours.posted"
    data: MovementData


class RegistrationAcceptedData(Data):
    """A working Party member's registration (双报到) in the community where they live
    (`community_code`), accepted by that community's administrator at `accepted_at`; the
    registration it ends when the member moved (`ended_registration_id`), if any."""

    registration_id: str
    member_id: str
    community_code: str
    accepted_at: datetime
    ended_registration_id: str | None = None


class RegistrationAccepted(Envelope):
    """Emitted when a community's administrator accepted a member's registration in it (双报到)."""

    type: Literal["registration.accepted"] = "registration.accepted"
    data: RegistrationAcceptedData


class CheckinDirection(StrEnum):
    IN = "in"
    OUT = "out"


class AttendedKind(StrEnum):
    ACTIVITY = "activity"
    CLAIM = "claim"  # a claim's work done on site, attended by the claimer's members


class CheckinData(Data):
    """A person's attendance after a check-in, a check-out or an organiser's correction: who
    (`person`: `member:{id}` or `resident:{id}`), at what (`kind` and `attended_id`, the
    activity's or the claim's), which way (`direction`; none for a correction), when
    (`at`), and the attendance as it now stands. A correction names who made it and why."""

    attendance_id: str
    person: str
    kind: AttendedKind
    attended_id: str
    organization_id: str  # the organiser
    direction: CheckinDirection | None = None
    at: datetime
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    absent: bool = False
    corrected_by: str | None = None
    reason: str | None = None


class CheckinRecorded(Envelope):
    """Emitted when a person checked in at or out of an activity (or a claim's work on site),
    or an organiser corrected their attendance; a check-out or a correction is what earns."""

    type: Literal["checkin.recorded"] = "checkin.recorded"
    data: CheckinData
