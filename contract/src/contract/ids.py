"""Identifiers of aggregates."""

import uuid


def new_id() -> str:
    """Random and URL-safe; also what cursors are made of."""
    return uuid.uuid4().hex


_IMPORTED = uuid.UUID("0b9f3c52-7d4e-4a61-8f25-5e2c1d3a9b70")


def entity_id(kind: str, code: str) -> str:
    """The id of an organisation or member with an external code: the same on every import,
    so the demo and the benchmarks can address what they imported."""
    return uuid.uuid5(_IMPORTED, f"{kind}:{code}").hex
