"""The gateway's use cases: assemble what people see from the services' answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.models import ProposalView
from gateway.upstreams import Upstream, Upstreams


async def list_proposals(
    params: dict[str, Any], *, actor: str, matching: Upstream, needs: Upstream, resources: Upstream
) -> tuple[list[ProposalView], str | None]:
    """A page of the proposals `actor` (an `X-Actor` token) may see, each with its need and
    supply item as that actor may see them: three requests whatever the page's size (the needs
    and the supply of the whole page asked for at once, by `ids`)."""
    page = await matching.get("/proposals", params=params, actor=actor)
    items: list[dict[str, Any]] = page["items"]
    found_needs, found_supply = await asyncio.gather(
        _by_id(needs, "/needs", {p["need_id"] for p in items}, actor),
        _by_id(resources, "/resources", {p["resource_id"] for p in items}, actor),
    )
    views = [
        ProposalView(proposal=p, need=found_needs.get(p["need_id"]), resource=found_supply.get(p["resource_id"]))
        for p in items
    ]
    return views, page["next_cursor"]


async def _by_id(upstream: Upstream, path: str, ids: set[str], actor: str) -> dict[str, Any]:
    """The documents of these ids that `actor` may see, by id, in one request."""
    if not ids:
        return {}
    found = await upstream.get(path, params={"ids": sorted(ids), "limit": len(ids)}, actor=actor)
    return {item["id"]: item for item in found["items"]}


class Cached:
    """Answers kept `seconds` by key; while one is being made, others asking wait for it
    rather than make it again (so a burst of visitors costs the services one call)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._kept: dict[str, tuple[float, asyncio.Future[Any]]] = {}

    async def get(self, key: str, make: Callable[[], Awaitable[Any]]) -> Any:
        moment = time.monotonic()
        kept = self._kept.get(key)
        if kept is None or kept[0] < moment or (kept[1].done() and kept[1].exception() is not None):
            future: asyncio.Future[Any] = asyncio.ensure_future(make())
            self._kept[key] = (moment + self.seconds, future)
            kept = self._kept[key]
        return await asyncio.shield(kept[1])

    def forget(self, key: str) -> None:
        """The next answer for `key` is made afresh."""
        self._kept.pop(key, None)


async def city_figures(
    area_code: str, *, organizations: Upstream, needs: Upstream, resources: Upstream
) -> dict[str, Any]:
    """The figures the seeds print, for one node of the hierarchy (the city when none):
    organisations and members, needs posted, claims completed (person-times), needs
    fulfilled, venues and services shared; by month and by category."""
    node, demand, supply = await asyncio.gather(
        organizations.get(f"/areas/{area_code}"),
        needs.get("/stats", params={"area_code": area_code}),
        resources.get("/stats", params={"area_code": area_code}),
    )
    months = sorted(set(demand["by_month"]) | set(supply["by_month"]))
    categories = sorted(set(demand["by_category"]) | set(supply["by_category"]))
    return {
        "area": {k: node[k] for k in ("code", "name", "name_en", "level", "parent_code")},
        "totals": {
            **registered(node),
            **demanded(demand["totals"]),
            "venues_shared": supply["totals"]["venue"],
            "services_shared": supply["totals"]["service"],
        },
        "by_month": {m: {**demand["by_month"].get(m, {}), **supply["by_month"].get(m, {})} for m in months},
        "by_category": {
            c: {**demand["by_category"].get(c, {}), **supply["by_category"].get(c, {})} for c in categories
        },
    }


def registered(node: dict[str, Any]) -> dict[str, int]:
    """An area node's organisations and members, as the figures name them."""
    return {"organizations": node["organizations"], "members": node["members"]}


def demanded(totals: dict[str, Any]) -> dict[str, int]:
    """The needs service's totals of an area (`/stats`), as the figures name them."""
    return {
        "needs_posted": totals["posted"],
        "claims_completed": totals["claims"],
        "needs_fulfilled": totals["fulfilled"],
        "needs_open": totals["open"],
    }


async def figures_of(up: Upstreams, cached: Cached, area_code: str) -> dict[str, Any]:
    """`city_figures`, kept `CACHE_SECONDS` in `cached`."""
    figures: dict[str, Any] = await cached.get(
        f"figures:{area_code}",
        lambda: city_figures(area_code, organizations=up.organizations, needs=up.needs, resources=up.resources),
    )
    return figures
