"""The events matching reacts to, and what it does with them."""

from __future__ import annotations

from functools import partial

from matching import service
from matching.models import MatchIndex
from matching.repository import IndexStore, ProposalRepository
from shared.kafka import Handler


def handlers(
    *, index: MatchIndex, store: IndexStore, proposals: ProposalRepository, per_need: int, per_supply: int
) -> dict[str, Handler]:
    return {
        "need.posted": partial(service.on_need_posted, index=index, store=store, proposals=proposals, limit=per_need),
        "resource.published": partial(
            service.on_resource_published, index=index, store=store, proposals=proposals, limit=per_supply
        ),
    }
