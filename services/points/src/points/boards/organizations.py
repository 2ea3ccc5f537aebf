"""The registry's organisations as the standings need them: where each is registered (kept in
memory, so an organisation's board is a join in memory). Whether one may act is kept in memory too:
the points service runs as one process (its balances are in memory), whose consumer is the one
writer of what it knows of organisations, so the status it last wrote is the stored one, and a
write's check of its caller costs no query."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo.asynchronous.database import AsyncDatabase

from contract.errors import Forbidden, InvalidReference
from contract.events.organizations import OrganizationRegistered, OrganizationUpdated
from points.boards.view import Standings
from runtime.known_organizations import ACTIVE, KnownOrganizations
from runtime.memberships import Memberships
from runtime.mongo import Document


class PlacedOrganizations(KnownOrganizations):
    """The organisations the service knows, each also placed in the standings."""

    def __init__(self, db: AsyncDatabase[Document], standings: Standings, members: Memberships) -> None:
        super().__init__(db, members)
        self.standings = standings
        self._status: dict[str, str] = {}  # organisation -> its status

    async def load(self) -> int:
        """Places every organisation the service was told of (at start); how many."""
        placed = 0
        async for found in self.collection.find({}, {"area_code": 1, "status": 1}):
            self._status[found["_id"]] = found.get("status", ACTIVE)
            if isinstance(found.get("area_code"), str):
                self.standings.place(found["_id"], found["area_code"])
                placed += 1
        return placed

    async def on_registrations(self, events: Sequence[OrganizationRegistered]) -> None:
        """Each placed where it registered, unless it is known already (a registration told
        again after a move keeps the move, as the database does)."""
        for found in await self.registered(events):
            self._status[found["_id"]] = ACTIVE
            self.standings.place(found["_id"], found["area_code"])

    async def on_updated(self, event: OrganizationUpdated) -> None:
        await super().on_updated(event)
        self._status[event.data.organization_id] = event.data.status.value
        self.standings.place(event.data.organization_id, event.data.area_code)

    async def require_active(self, organization_id: str) -> Document:
        status = self._status.get(organization_id)
        if status is None:
            raise InvalidReference(f"unknown organization {organization_id!r}", field="organization_id")
        if status != ACTIVE:
            raise Forbidden(f"the organization is {status}: it may not act on the platform", status=status)
        return await self.require(organization_id)
