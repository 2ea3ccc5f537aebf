"""What the domain models are made of: aggregates, each stored as one document."""

from __future__ import annotations

from pydantic import BaseModel


class Aggregate(BaseModel):
    """A domain object with an identity of its own, stored as one document."""

    id: str


class Versioned(Aggregate):
    """An aggregate changed under optimistic concurrency: every write raises `version` by one."""

    version: int = 1
