"""The service's time: the real one, moved on only by the test clock (`POST /clock`, mounted
outside production) so that a concern's week of waiting takes a test no time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> datetime:
        self.offset += by
        return self.now()


def working_days_after(start: datetime, days: int) -> datetime:
    """The moment `days` working days (Monday to Friday, China Standard Time) after `start`: a
    concern put in on Friday at 10:00 with 3 days to answer is due on Wednesday at 10:00, one put
    in on Saturday too. Public holidays are not known here: they count as working days."""
    moment = start.astimezone(CST)
    left = days
    while left:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment.astimezone(UTC)
