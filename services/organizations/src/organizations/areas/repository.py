"""Where the area tree is kept: one document per node, keyed by its code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from contract.events import Envelope
from organizations.areas.models import AreaNode
from runtime.repository import MongoRepository


class AreaRepository(Protocol):
    async def add(self, node: AreaNode, events: Sequence[Envelope]) -> None: ...


class MongoAreaRepository(MongoRepository[AreaNode]):
    model = AreaNode
