"""Fakes of the points service's ports, for its unit tests."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence

from points.ledger.models import Movement
from points.ledger.view import Balances


class FakeMovements:
    """The movements kept in a dict, each given to the running balances as the real repository
    does; a write takes `delay` seconds (at least a turn of the loop, as the database's does), so
    racing payments overlap."""

    def __init__(self, balances: Balances, delay: float = 0.0) -> None:
        self.stored_by_id: dict[str, Movement] = {}
        self.balances = balances
        self.delay = delay

    async def insert(self, movement: Movement) -> bool:
        return bool(await self.insert_many([movement]))

    async def insert_many(self, movements: Sequence[Movement]) -> list[Movement]:
        await asyncio.sleep(self.delay)
        new = [m for m in movements if m.id not in self.stored_by_id]
        for movement in new:
            self.stored_by_id[movement.id] = movement
            self.balances.put(movement)
        return new

    async def stored(self, ids: Collection[str]) -> set[str]:
        return set(ids) & self.stored_by_id.keys()

    async def exists(self, movement_id: str) -> bool:
        return movement_id in self.stored_by_id

    async def of_account(self, account: str, *, before: str | None, limit: int) -> list[Movement]:
        return [m for m in self.stored_by_id.values() if account in (m.from_account, m.to_account)][:limit]
