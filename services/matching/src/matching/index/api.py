"""Matching's HTTP route of the index: what it holds, for operations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from matching.index.service import IndexProjection
from runtime.app import provided
from runtime.kafka import EventReader

router = APIRouter(tags=["proposals"])  # listed with the service's other routes in its API documentation


@router.get("/index", tags=["operations"])
async def index_state(
    projection: Annotated[IndexProjection, Depends(provided(IndexProjection))],
    feed: Annotated[EventReader, Depends(provided(EventReader))],
    need_id: Annotated[list[str] | None, Query(max_length=100)] = None,
) -> dict[str, object]:
    """What the index holds, and how long rebuilding it from the topics took at start; with
    `need_id`, which of those needs this instance holds."""
    index = projection.index
    return {
        "holds": [n for n in need_id or () if n in index.needs],
        "partitions": sorted(projection.share.owned),
        "of": projection.share.partitions,
        "live": projection.live,
        "open_needs": len(index.needs),
        "supply": len(index.supply),
        "events_read": feed.events,
        "rebuilt_in_s": feed.caught_up_in_s,
    }
