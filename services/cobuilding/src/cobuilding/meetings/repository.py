"""Where joint meetings are kept, each with its area's levels."""

from __future__ import annotations

from cobuilding.areas import area_fields
from cobuilding.meetings.models import Meeting
from runtime.mongo import Document
from runtime.repository import MongoRepository


class MongoMeetingRepository(MongoRepository[Meeting]):
    model = Meeting

    async def ensure_indexes(self) -> None:
        for key in ("community", "street", "district"):
            await self.collection.create_index(key)

    def _document(self, aggregate: Meeting) -> Document:
        fields = aggregate.model_dump(mode="json", exclude={"id"})  # the day as text: BSON has no days
        return fields | area_fields(aggregate.area_code)
