"""What the domain models are made of: aggregates, each stored as one document."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel


def now() -> datetime:
    """Now, to the millisecond: all a stored document keeps of a time (BSON), so an aggregate a
    process keeps in memory is the one another replica reads back from the database."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Aggregate(BaseModel):
    """A domain object with an identity of its own, stored as one document."""

    id: str


class Versioned(Aggregate):
    """An aggregate changed under optimistic concurrency: every write raises `version` by one."""

    version: int = 1
