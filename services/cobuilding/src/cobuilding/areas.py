"""How the service's lists of an area are asked: each stored document carries its district,
street and community, so that an administrator's list is one equality query."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from contract.aggregates import Aggregate
from contract.areas import is_city
from runtime.mongo import Document
from runtime.repository import MongoRepository

AREA_FIELDS = {6: "district", 9: "street", 12: "community"}  # the digits of each level's code


def area_fields(area_code: str) -> dict[str, str]:
    """The levels an area code lies in, as stored beside a document."""
    return {field: area_code[:digits] for digits, field in AREA_FIELDS.items() if len(area_code) >= digits}


def area_query(node: str) -> dict[str, str]:
    """The query for the documents of a district, street or community; for a node of any other
    length (a city, a grid), of the district or community it lies in (the caller keeps what its
    node covers)."""
    if is_city(node):
        return {}  # every document, kept by the caller
    digits = max(d for d in AREA_FIELDS if d <= len(node))
    return {AREA_FIELDS[digits]: node[:digits]}


A = TypeVar("A", bound=Aggregate)


class AreaRepository(MongoRepository[A]):
    """Aggregates of an area, each stored as JSON (days and times of day as text: BSON has
    neither) beside its area's levels, indexed for an administrator's list."""

    indexes: ClassVar[tuple[str, ...]] = ()  # more fields asked by equality

    async def ensure_indexes(self) -> None:
        for key in (*self.indexes, "community", "street", "district"):
            await self.collection.create_index(key)

    def _document(self, aggregate: A) -> Document:
        fields = aggregate.model_dump(mode="json", exclude={"id"})
        return fields | area_fields(fields["area_code"])  # each aggregate stored so has its area
