"""What the service keeps of the needs service's needs and wishes, from their events, to find
what is stuck: a need's time and how much of it is claimed, a wish's waiting, and the partners
matching proposed for a need (the best placed to take it up)."""

from __future__ import annotations

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
from runtime.mongo import Document

CANDIDATES = 3  # partners named for each stuck need


class Stuck:
    """Needs and wishes of every area as their events tell them, one document each."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["followed"]

    async def ensure_indexes(self) -> None:
        for key in ("community", "street", "district"):
            await self.collection.create_index(key)

    async def on_need_posted(self, event: NeedPosted) -> None:
        data = event.data
        fields = {
            "kind": "need",
            "title": data.title,
            "category": data.category.value,
            "organization_id": data.organization_id,
            "area_code": data.area_code,
            "posted_at": event.time,
            "deadline": data.deadline,
            "quantity": data.quantity,
            "claimed": 0,
            "status": "open",
            **area_fields(data.area_code),
        }
        await self.collection.update_one({"_id": data.need_id}, {"$set": fields}, upsert=True)

    async def on_need_changed(self, event: NeedUpdated | NeedCancelled | NeedExpired | NeedFulfilled) -> None:
        data = event.data
        fields = {
            "status": data.status.value,
            "quantity": data.quantity,
            "claimed": data.claimed,
            "changed_at": event.time,
        }
        await self.collection.update_one({"_id": data.need_id}, {"$set": fields})

    async def on_proposed(self, event: MatchProposed) -> None:
        """A partner matching proposed for the need: the best ones are named on the agenda."""
        data = event.data
        candidate = {"organization_id": data.resource_organization_id, "score": data.score}
        # upserted: the proposal may be read before the need's posting (another topic)
        await self.collection.update_one({"_id": data.need_id}, {"$addToSet": {"candidates": candidate}}, upsert=True)

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
        .on(NeedPosted, followed.on_need_posted, idempotent=True)
        .on((NeedUpdated, NeedCancelled, NeedExpired, NeedFulfilled), followed.on_need_changed, idempotent=True)
        .on(MatchProposed, followed.on_proposed, idempotent=True)
    )
    for wish_event in (WishPosted, WishClaimed, WishReleased, WishCompleted, WishConfirmed, WishCancelled):
        found.on(wish_event, followed.on_wish, idempotent=True)
    return found
