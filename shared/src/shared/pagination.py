"""Cursor pagination: a page of items in `_id` order and the cursor that continues after it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Generic, Protocol, TypeVar

from fastapi import Query
from pydantic import BaseModel, StringConstraints

T = TypeVar("T")

Cursor = Annotated[
    str | None,
    Query(max_length=64, pattern=r"^[0-9a-zA-Z:_-]+$", description="`next_cursor` of the page before"),
]
Limit = Annotated[int, Query(ge=1, le=200)]
Ids = Annotated[
    list[Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]] | None,
    Query(max_length=200, description="only these ids (each as its own read would show it): many items, one request"),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


def page_of(items: Sequence[_HasId], limit: int) -> dict[str, object]:
    """The answer for a page: a full page says where the next one starts."""
    return {"items": items, "next_cursor": items[-1].id if len(items) == limit else None}
