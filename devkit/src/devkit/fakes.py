"""A fake of the services' repositories (`runtime.repository.MongoRepository`), for unit tests of
use cases: it keeps aggregates and the events written with them, as the outbox would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from contract.aggregates import Versioned
from contract.errors import Conflict, NotFound
from contract.events import Envelope

A = TypeVar("A", bound=Versioned)


class FakeRepository(Generic[A]):
    """Keeps aggregates and the events written with them, as the outbox would, and tells the
    read model of every aggregate written, as the repository does."""

    def __init__(self, read_model: Callable[[A], None] = lambda _: None) -> None:
        self.saved: dict[str, A] = {}
        self.events: list[Envelope] = []
        self.read_model = read_model

    async def add(self, aggregate: A, events: Sequence[Envelope]) -> None:
        if aggregate.id in self.saved:
            raise Conflict(f"{aggregate.id!r} exists already", id=aggregate.id)
        self.saved[aggregate.id] = aggregate.model_copy(deep=True)
        self.events += events
        self.read_model(aggregate)

    async def get(self, aggregate_id: str) -> A | None:
        found = self.saved.get(aggregate_id)
        return found.model_copy(deep=True) if found else None

    async def change(
        self,
        aggregate_id: str,
        decide: Callable[[A], Sequence[Envelope]],
        *,
        cached: A | None = None,
        quiet: bool = False,
    ) -> tuple[A, list[Envelope]]:
        current = self.saved.get(aggregate_id)
        if current is None:
            raise NotFound(f"no such aggregate {aggregate_id!r}")
        changed = current.model_copy(deep=True, update={"version": current.version + 1})
        events = list(decide(changed))
        if not events and not quiet:
            self.read_model(current)
            return current, events
        self.saved[aggregate_id] = changed
        self.events += events
        self.read_model(changed)
        return changed, events

    async def page(self, *, after: str | None, limit: int, where: Mapping[str, Any] | None = None) -> list[A]:
        return list(self.saved.values())[:limit]

    async def page_kept(
        self, keep: Callable[[A], bool], *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[A]:
        """As the repository's, `where` left to `keep` (the tests' `keep`s say all that matters)."""
        return [
            a for a in sorted(self.saved.values(), key=lambda a: a.id) if keep(a) and (after is None or a.id > after)
        ][:limit]

    async def all(self) -> AsyncIterator[A]:
        for aggregate in self.saved.values():
            yield aggregate

    async def insert_many(self, aggregates: Sequence[tuple[A, Sequence[Envelope]]], *, group: str) -> int:
        fresh = [(aggregate, events) for aggregate, events in aggregates if aggregate.id not in self.saved]
        for aggregate, events in fresh:
            self.saved[aggregate.id] = aggregate
            self.events += events
            self.read_model(aggregate)
        return len(fresh)

    async def announce(self, event: Envelope) -> None:
        self.events.append(event)

    def types(self) -> list[str]:
        return [e.type for e in self.events]
