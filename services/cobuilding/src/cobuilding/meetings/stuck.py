"""What the service keeps of the needs service's needs and wishes, from their events, to find
what is stuck: a need's time and how much of it is claimed, a wish's waiting, and the partners
matching proposed for a need (the best placed to take it up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from cobuilding.areas import area_fields, area_query
from contract.events.matching import MatchProposed
from contract.events.needs import (
    NeedCancelled,
    NeedExpired,
    NeedFulfilled,
    NeedPosted,
    NeedUpdated,
    WishCancelled,
    WishClaimed,
    WishCompleted,
    WishConfirmed,
    WishPosted,
    WishReleased,
)
from runtime.handlers import Handlers
from runtime.mongo import Document, put_all

CANDIDATES = 3  # partners named for each stuck need


class Stuck:
    """Needs and wishes of every area as their events tell them, one document each."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["followed"]

    async def ensure_indexes(self) -> None:
        for key in ("community", "street", "district"):
            await self.collection.create_index(key)

    async def on_needs_posted(self, events: Sequence[NeedPosted]) -> None:
        """A run of needs posted, new ones in one insert (a need told twice, or proposed for
        before it was read, has its fields set)."""
        posted = {
            e.data.need_id: {
                "_id": e.data.need_id,
                "kind": "need",
                "title": e.data.title,
                "category": e.data.category.value,
                "organization_id": e.data.organization_id,
                "area_code": e.data.area_code,
                "posted_at": e.time,
                "deadline": e.data.deadline,
                "quantity": e.data.quantity,
                "claimed": 0,
                "status": "open",
                **area_fields(e.data.area_code),
            }
            for e in events
        }
        await put_all(self.collection, list(posted.values()))

    async def on_need_changed(self, event: NeedUpdated | NeedCancelled | NeedExpired | NeedFulfilled) -> None:
        data = event.data
        fields = {
            "status": data.status.value,
            "quantity": data.quantity,
            "claimed": data.claimed,
            "changed_at": event.time,
        }
        await self.collection.update_one({"_id": data.need_id}, {"$set": fields})

    async def on_proposed(self, events: Sequence[MatchProposed]) -> None:
        """Partners matching proposed for needs (a run of proposals, one update a need): the best
        ones are named on the agenda."""
        candidates: defaultdict[str, list[Document]] = defaultdict(list)
        for e in events:
            candidate = {"organization_id": e.data.resource_organization_id, "score": e.data.score}
            if candidate not in candidates[e.data.need_id]:
                candidates[e.data.need_id].append(candidate)
        for need_id, theirs in candidates.items():
            # upserted: the proposal may be read before the need's posting (another topic)
            await self.collection.update_one(
                {"_id": need_id}, {"$addToSet": {"candidates": {"$each": theirs}}}, upsert=True
            )

    async def on_wish(
        self, event: WishPosted | WishClaimed | WishReleased | WishCompleted | WishConfirmed | WishCancelled
    ) -> None:
        data = event.data
        fields: dict[str, Any] = {"kind": "wish", "status": data.status.value, "area_code": data.area_code}
        fields |= area_fields(data.area_code)
        if data.title is not None:
            fields["title"] = data.title
        if isinstance(event, WishPosted | WishReleased):
            fields["posted_at"] = event.time  # waiting since: posted, or given back
        await self.collection.update_one({"_id": data.wish_id}, {"$set": fields}, upsert=True)

    async def of(self, node: str) -> list[Document]:
        """The needs and wishes of an area still open, or expired (an overdue need)."""
        where = area_query(node) | {"status": {"$in": ["open", "partly_claimed", "expired"]}}
        return await self.collection.find(where).to_list()


def handlers(followed: Stuck) -> Handlers:
    """The needs service's and matching's events the agenda is drafted from."""
    found = (
        Handlers()
        .batched((NeedPosted,), followed.on_needs_posted)
        .on((NeedUpdated, NeedCancelled, NeedExpired, NeedFulfilled), followed.on_need_changed, idempotent=True)
        .batched((MatchProposed,), followed.on_proposed)
    )
    for wish_event in (WishPosted, WishClaimed, WishReleased, WishCompleted, WishConfirmed, WishCancelled):
        found.on(wish_event, followed.on_wish, idempotent=True)
    return found
