"""Identifiers of aggregates."""

import uuid


def new_id() -> str:
    """Random and URL-safe; also what cursors are made of."""
    return uuid.uuid4().hex
