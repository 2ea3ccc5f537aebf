"""Where purchases of services are kept, each with its area's levels."""

from __future__ import annotations

from cobuilding.areas import area_fields
from cobuilding.purchases.models import Purchase
from runtime.mongo import Document
from runtime.repository import MongoRepository


class MongoPurchaseRepository(MongoRepository[Purchase]):
    model = Purchase

    async def ensure_indexes(self) -> None:
        for key in ("status", "community", "street", "district"):
            await self.collection.create_index(key)

    def _document(self, aggregate: Purchase) -> Document:
        fields = aggregate.model_dump(mode="json", exclude={"id"})  # days as text: BSON has no days
        return fields | area_fields(aggregate.area_code)
