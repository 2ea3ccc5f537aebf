"""Where joint meetings are kept."""

from __future__ import annotations

from cobuilding.areas import AreaRepository
from cobuilding.meetings.models import Meeting


class MongoMeetingRepository(AreaRepository[Meeting]):
    model = Meeting
