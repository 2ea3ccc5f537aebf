"""The gateway's use cases: assemble what people see from the services' answers."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.models import ProposalView
from gateway.repository import Upstream


async def list_proposals(
    params: dict[str, Any], *, matching: Upstream, needs: Upstream, resources: Upstream
) -> tuple[list[ProposalView], str | None]:
    """A page of proposals, each with its need and supply item."""
    page = await matching.get("/proposals", params=params)
    views = await asyncio.gather(*(_view(p, needs=needs, resources=resources) for p in page["items"]))
    return list(views), page["next_cursor"]


async def _view(proposal: dict[str, Any], *, needs: Upstream, resources: Upstream) -> ProposalView:
    need, resource = await asyncio.gather(
        needs.find(f"/needs/{proposal['need_id']}"), resources.find(f"/resources/{proposal['resource_id']}")
    )
    return ProposalView(proposal=proposal, need=need, resource=resource)
