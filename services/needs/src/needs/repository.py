"""Where needs are kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from needs.models import Need
from shared.events import Envelope
from shared.repository import MongoRepository


class NeedRepository(Protocol):
    async def add(self, need: Need, events: Sequence[Envelope]) -> None: ...

    async def get(self, need_id: str) -> Need | None: ...

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[Need]: ...


class MongoNeedRepository(MongoRepository[Need]):
    model = Need
