"""Where needs are kept (an imported history in bulk, through the relay's outbox groups), with
the refusals announced for accepted matches that made no claim."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from contract.events import Envelope
from needs.needs.models import Need
from runtime.mongo import Document
from runtime.outbox import OutboxRelay
from runtime.repository import Announcements, MongoRepository


class NeedRepository(Protocol):
    async def add(self, need: Need, events: Sequence[Envelope]) -> None: ...

    async def get(self, need_id: str) -> Need | None: ...

    async def get_many(self, need_ids: Sequence[str]) -> list[Need]: ...

    async def change(
        self, need_id: str, decide: Callable[[Need], Sequence[Envelope]], *, cached: Need | None = None
    ) -> tuple[Need, list[Envelope]]: ...

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[Need]: ...

    def all(self) -> AsyncIterator[Need]: ...

    async def announce(self, event: Envelope) -> None: ...

    async def insert_many(self, aggregates: Sequence[tuple[Need, Sequence[Envelope]]], *, group: str) -> int: ...


class MongoNeedRepository(MongoRepository[Need]):
    model = Need

    def __init__(
        self,
        collection: AsyncCollection[Document],
        announcements: AsyncCollection[Document],
        on_events: Callable[[], None],
        *,
        relay: OutboxRelay,
        read_model: Callable[[Need], None],
    ) -> None:
        super().__init__(collection, on_events, relay=relay, read_model=read_model)
        self.announce = Announcements(announcements, on_events).announce  # a refusal changes no need
