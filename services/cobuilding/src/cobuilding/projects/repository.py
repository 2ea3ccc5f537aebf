"""Where projects are kept, each with its area's levels."""

from __future__ import annotations

from cobuilding.areas import area_fields
from cobuilding.projects.models import Project
from runtime.mongo import Document
from runtime.repository import MongoRepository


class MongoProjectRepository(MongoRepository[Project]):
    model = Project

    async def ensure_indexes(self) -> None:
        for key in ("organization_id", "community", "street", "district"):
            await self.collection.create_index(key)

    def _document(self, aggregate: Project) -> Document:
        fields = aggregate.model_dump(mode="json", exclude={"id"})  # days as text: BSON has no days
        return fields | area_fields(aggregate.area_code)
