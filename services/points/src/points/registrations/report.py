"""The monthly 双报到 report of a Party organisation: for each of its members registered in a
community, the minutes credited for work done there in the month, on what; as data and as XLSX."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from openpyxl import Workbook
from pydantic import BaseModel

from points.ledger.models import Movement
from points.registrations.models import Registration

CITY_TIME = timezone(timedelta(hours=8))  # a month is the city's calendar month
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


class Month:
    """A calendar month of the city, `2026-12`."""

    def __init__(self, text: str) -> None:
        if not _MONTH.match(text):
            raise ValueError("a month is written YYYY-MM")
        self.year, self.month = int(text[:4]), int(text[5:])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def bounds(self) -> tuple[datetime, datetime]:
        """Its first moment and the next month's first, in the city's time."""
        start = datetime(self.year, self.month, 1, tzinfo=CITY_TIME)
        following = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return start, datetime(*following, 1, tzinfo=CITY_TIME)


def hours_text(minutes: int) -> str:
    """Hours to the minute: 150 minutes is `2:30`."""
    return f"{minutes // 60}:{minutes % 60:02d}"


class Service(BaseModel):
    """Work of one kind (its title) a member did in the month, and the minutes credited for it."""

    about: str
    times: int
    minutes: int
    hours: str


class MemberHours(BaseModel):
    member_id: str
    name: str
    community_code: str
    minutes: int
    hours: str
    services: list[Service]


class Report(BaseModel):
    organization_id: str
    month: str
    minutes: int  # every member's together
    hours: str
    members: list[MemberHours]


def hours_of(registration: Registration, credited: list[Movement]) -> MemberHours:
    """A member's line of the report, from the movements crediting them in their community."""
    by_about: defaultdict[str, list[int]] = defaultdict(list)
    for movement in credited:
        by_about[movement.about or "—"].append(movement.amount)
    services = [
        Service(about=about, times=len(amounts), minutes=sum(amounts), hours=hours_text(sum(amounts)))
        for about, amounts in sorted(by_about.items(), key=lambda one: (-sum(one[1]), one[0]))
    ]  # the most time first
    minutes = sum(s.minutes for s in services)
    return MemberHours(
        member_id=registration.member_id,
        name=registration.name,
        community_code=registration.community_code,
        minutes=minutes,
        hours=hours_text(minutes),
        services=services,
    )


HEADER = [
    "姓名 Name",
    "党员编号 Member",
    "报到社区 Community",
    "服务内容 Service",
    "次数 Times",
    "分钟 Minutes",
    "时长 Hours",
]


def workbook(report: Report) -> bytes:
    """The report as an XLSX file: one row per member and kind of work, then each member's total."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"双报到 {report.month}"
    sheet.append(HEADER)
    for member in report.members:
        who = [member.name, member.member_id, member.community_code]
        for service in member.services:
            sheet.append([*who, service.about, service.times, service.minutes, service.hours])
        sheet.append([*who, "合计 Total", sum(s.times for s in member.services), member.minutes, member.hours])
    for column, width in zip("ABCDEFG", (14, 34, 16, 30, 10, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
