"""A venue's opening hours, local time: what the resources service checks bookings against and
the portal's calendar shows as open."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer

LOCAL = timezone(timedelta(hours=8), "CST")  # China Standard Time: opening hours and periods are local
# BSON has no time of day: it is kept as ISO text.
ClockTime = Annotated[time, PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str)]


class OpeningPeriod(BaseModel):
    """Open on these ISO weekdays (1 = Monday) from `opens` to `closes`, local time."""

    days: list[int] = Field(default=[1, 2, 3, 4, 5, 6, 7], min_length=1, max_length=7)
    opens: ClockTime = time(8, 0)
    closes: ClockTime = time(21, 0)

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether the range lies within one opening of this period (a `closes` of 00:00 is midnight)."""
        start, end = start.astimezone(LOCAL), end.astimezone(LOCAL)
        day = start.date()
        opens = datetime.combine(day, self.opens, LOCAL)
        closes = datetime.combine(day + timedelta(days=self.closes <= self.opens), self.closes, LOCAL)
        return start.isoweekday() in self.days and opens <= start and end <= closes


def open_between(hours: list[OpeningPeriod], start: datetime, end: datetime) -> bool:
    """Whether one of the periods covers the whole range."""
    return any(period.covers(start, end) for period in hours)
