"""Where activities are kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from contract.events import Envelope
from needs.activities.models import Activity
from runtime.repository import MongoRepository


class ActivityRepository(Protocol):
    async def add(self, activity: Activity, events: Sequence[Envelope]) -> None: ...

    async def get(self, activity_id: str) -> Activity | None: ...

    async def change(
        self, activity_id: str, decide: Callable[[Activity], Sequence[Envelope]], *, cached: Activity | None = None
    ) -> tuple[Activity, list[Envelope]]: ...


class MongoActivityRepository(MongoRepository[Activity]):
    model = Activity
