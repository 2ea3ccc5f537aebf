"""Fakes of the registry's repositories, for unit tests of its use cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from contract.aggregates import Aggregate
from contract.events import Envelope

A = TypeVar("A", bound=Aggregate)


class FakeRepository(Generic[A]):
    def __init__(self) -> None:
        self.saved: dict[str, A] = {}
        self.events: list[Envelope] = []

    async def add(self, aggregate: A, events: Sequence[Envelope]) -> None:
        self.saved[aggregate.id] = aggregate
        self.events += events

    async def update(
        self, aggregate: A, events: Sequence[Envelope] = (), *, expected_version: int | None = None
    ) -> bool:
        current: Any = self.saved.get(aggregate.id)
        if current is None or (expected_version is not None and current.version != expected_version):
            return False
        self.saved[aggregate.id] = aggregate
        self.events += events
        return True

    async def get(self, aggregate_id: str) -> A | None:
        return self.saved.get(aggregate_id)

    async def of_organization(self, organization_id: str, **_: Any) -> list[A]:
        return [a for a in self.saved.values() if organization_id in getattr(a, "organization_ids", [organization_id])]
