"""What the points service says of an account, for the page of its owner: its points and
hours, and its latest postings with their causes. The page still shows without them when the
points service does not answer."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.portal.web import PortalRefusal, ServicesDep
from gateway.upstreams import UpstreamError


async def points_of(up: ServicesDep, account: str) -> dict[str, Any] | None:
    """`{"balance": {...}, "postings": [...]}` of `account`, or None when the service cannot say."""
    try:
        balance, postings = await asyncio.gather(
            up.get(up.points, f"/accounts/{account}/balance"),
            up.get(up.points, f"/accounts/{account}/postings", {"limit": 10}),
        )
    except (PortalRefusal, UpstreamError):
        return None
    return {"balance": balance, "postings": postings["items"]}
