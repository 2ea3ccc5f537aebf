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
