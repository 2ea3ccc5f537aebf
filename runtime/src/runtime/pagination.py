"""Cursor pagination: a page of items in `_id` order and the cursor that continues after it."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Generic, Protocol, TypeVar

from fastapi import Query
from pydantic import BaseModel, StringConstraints

from contract.schemas import ID_PATTERN

T = TypeVar("T")

Cursor = Annotated[
    str | None,
    Query(max_length=64, pattern=r"^[0-9a-zA-Z:_-]+$", description="`next_cursor` of the page before"),
]
Limit = Annotated[int, Query(ge=1, le=200)]
Ids = Annotated[
    list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] | None,
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


def first_kept(
    order: Sequence[str], items: Mapping[str, T], keep: Callable[[T], bool], *, after: str | None, limit: int
) -> list[T]:
    """Up to `limit` of `items` that `keep` accepts, in the order of their ids in `order` (sorted),
    starting after `after`: a page of an in-memory read model."""
    start = bisect_right(order, after) if after is not None else 0
    found: list[T] = []
    for item_id in order[start:]:
        if keep(item := items[item_id]):
            found.append(item)
            if len(found) == limit:
                break
    return found
