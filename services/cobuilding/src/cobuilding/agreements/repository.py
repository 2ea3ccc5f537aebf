"""Where agreements are kept (each with its area's levels and its commitments' ids, to be found by
them), what the resources service booked for their venue commitments, and the venues it shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from cobuilding.agreements.models import Agreement, Booked
from cobuilding.areas import AreaRepository
from contract.events import Envelope
from contract.events.resources import BookingData, ResourceData, ResourcePublished, ResourceUpdated, ResourceWithdrawn
from runtime.mongo import Document, put_all


class AgreementRepository(Protocol):
    async def add(self, agreement: Agreement, events: Sequence[Envelope]) -> None: ...

    async def get(self, agreement_id: str) -> Agreement | None: ...

    async def change(
        self, agreement_id: str, decide: Callable[[Agreement], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Agreement, list[Envelope]]: ...

    async def page_kept(
        self,
        keep: Callable[[Agreement], bool],
        *,
        after: str | None,
        limit: int,
        where: Mapping[str, Any] | None = None,
    ) -> list[Agreement]: ...

    async def having_commitment(self, commitment_id: str) -> str | None: ...


class MongoAgreementRepository(AreaRepository[Agreement]):
    """Agreements, each also with its commitments' ids (a booking of a commitment finds its agreement)."""

    model = Agreement
    indexes = ("parties", "commitment_ids")

    def _document(self, aggregate: Agreement) -> Document:
        return super()._document(aggregate) | {"commitment_ids": [c.commitment_id for c in aggregate.commitments]}

    async def having_commitment(self, commitment_id: str) -> str | None:
        found = await self.collection.find_one({"commitment_ids": commitment_id}, {"_id": 1})
        return str(found["_id"]) if found else None


class BookedRepository(Protocol):
    async def put(self, booked: Booked) -> None: ...

    async def of(self, commitment_ids: Sequence[str]) -> list[Booked]: ...


class VenueLookup(Protocol):
    async def get(self, venue_id: str) -> ResourceData | None: ...


class MongoBooked:
    """The bookings made for venue commitments, one document each, as their latest event says."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["commitment_bookings"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("commitment_id")

    async def put(self, booked: Booked) -> None:
        fields = booked.model_dump(exclude={"booking_id"})
        await self.collection.update_one({"_id": booked.booking_id}, {"$set": fields}, upsert=True)

    async def of(self, commitment_ids: Sequence[str]) -> list[Booked]:
        if not commitment_ids:
            return []
        cursor = self.collection.find({"commitment_id": {"$in": list(commitment_ids)}})
        return [Booked.model_validate({**doc, "booking_id": doc["_id"]}) async for doc in cursor]


class KnownVenues:
    """The venues the resources service shares, as its events tell them: whose each is."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["known_venues"]

    async def on_resources(self, events: Sequence[ResourcePublished | ResourceUpdated | ResourceWithdrawn]) -> None:
        """A run of the resources service's events, each resource as the run's last event of it says."""
        latest = {e.data.resource_id: e.data.model_dump(mode="json", exclude={"resource_id"}) for e in events}
        await put_all(self.collection, [{"_id": resource_id, **fields} for resource_id, fields in latest.items()])

    async def get(self, venue_id: str) -> ResourceData | None:
        found = await self.collection.find_one({"_id": venue_id})
        if found is None:
            return None
        venue_id = found.pop("_id")
        return ResourceData.model_validate({**found, "resource_id": venue_id})


def booked_of(data: BookingData) -> Booked | None:
    """What a booking event says of a series' booking (None for a booking of no series)."""
    if data.series_id is None:
        return None
    return Booked(
        booking_id=data.booking_id,
        commitment_id=data.series_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        status=data.status.value,
    )
