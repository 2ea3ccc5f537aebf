"""Fakes of the registry's repositories, for unit tests of its use cases."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from contract.aggregates import Aggregate
from contract.events import Envelope

A = TypeVar("A", bound=Aggregate)


class FakeRepository(Generic[A]):
    """Keeps aggregates and their events, telling the read model of each one written, as the
    repository does."""

    def __init__(self, read_model: Callable[[A], None] = lambda _: None) -> None:
        self.saved: dict[str, A] = {}
        self.events: list[Envelope] = []
        self.read_model = read_model

    async def add(self, aggregate: A, events: Sequence[Envelope]) -> None:
        self.saved[aggregate.id] = aggregate
        self.events += events
        self.read_model(aggregate)

    async def update(
        self, aggregate: A, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool:
        current: Any = self.saved.get(aggregate.id)
        if current is None or (expected_version is not None and current.version != expected_version):
            return False
        self.saved[aggregate.id] = aggregate
        self.events += events
        self.read_model(aggregate)
        return True

    async def get(self, aggregate_id: str) -> A | None:
        return self.saved.get(aggregate_id)

    async def of_organization(self, organization_id: str, **_: Any) -> list[A]:
        return [a for a in self.saved.values() if organization_id in getattr(a, "organization_ids", [organization_id])]
