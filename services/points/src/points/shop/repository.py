"""Where the shop's items and orders are kept.

An item's stock changes only by conditional updates of its stored document, each recording a
token (`in_flight`: an order's id, or the id with `:back` for stock given back) until the order
has recorded what was done. So a crash between two steps of a redemption leaves enough behind
to finish or undo it exactly once (`service.Shop.reconcile`): the stock is never taken twice
for one order, nor given back twice."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from pymongo.errors import DuplicateKeyError

from contract.events import Envelope
from contract.events.points import RedemptionStatus
from points.shop.models import Item, ItemStatus, Order
from runtime.mongo import document_lock
from runtime.outbox import with_events
from runtime.repository import MongoRepository


class ItemRepository(Protocol):
    async def add(self, aggregate: Item, events: Sequence[Envelope]) -> None: ...

    async def get(self, aggregate_id: str) -> Item | None: ...

    async def offered(self, item_id: str) -> Item | None:
        """The item as a redemption checks it before asking for one of its stock: possibly as
        this process last wrote or read it (the take itself is conditional)."""
        ...

    async def change(self, aggregate_id: str, decide: Any, *, quiet: bool = False) -> tuple[Item, list[Envelope]]: ...

    async def take(self, item_id: str, token: str) -> bool:
        """One of the stock taken for `token`, if any is left and the item is on the shelf."""
        ...

    async def give_back(self, item_id: str, token: str) -> None:
        """One given back to the stock for `token`, once however often asked."""
        ...

    async def settle(self, item_id: str, *tokens: str) -> None:
        """The tokens forgotten: their orders recorded what was done."""
        ...

    async def holds(self, item_id: str, token: str) -> bool: ...

    async def on_shelves(self, area_codes: list[str], *, limit: int) -> list[Item]: ...

    async def of_organization(self, organization_id: str, *, limit: int) -> list[Item]: ...


class OrderRepository(Protocol):
    async def insert(self, order: Order, events: Sequence[Envelope] = ()) -> bool:
        """Stores a new order; False when its pickup code is taken already."""
        ...

    async def get(self, aggregate_id: str) -> Order | None: ...

    async def change(
        self, aggregate_id: str, decide: Any, *, cached: Order | None = None, quiet: bool = False
    ) -> tuple[Order, list[Envelope]]: ...

    async def delete(self, order_id: str) -> None: ...

    async def by_code(self, organization_id: str, code: str) -> Order | None: ...

    async def listed(self, where: dict[str, Any], *, limit: int) -> list[Order]: ...

    async def unsettled(self, pending_before: datetime) -> list[Order]:
        """Orders left half done: pending since before `pending_before`, or returning."""
        ...

    async def overdue(self, moment: datetime, *, limit: int) -> list[Order]: ...


class MongoItemRepository(MongoRepository[Item]):
    model = Item

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("area_code", 1), ("status", 1)])
        await self.collection.create_index([("organization_id", 1)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # per item, what redemptions asked for since its last update began: made in the next one
        self._takes: dict[str, dict[str, asyncio.Future[bool]]] = {}
        self._settles: dict[str, dict[str, asyncio.Future[bool]]] = {}
        self._making: set[asyncio.Task[None]] = set()
        # Items as this process last stored, read or took from them. The points service runs as
        # one process (its balances are in memory too), so nothing else changes them meanwhile.
        self._offered: dict[str, Item] = {}
        self.read_model = self._remember  # told of every item this repository writes

    def _remember(self, item: Item) -> None:
        self._offered[item.id] = item

    async def offered(self, item_id: str) -> Item | None:
        """Read from the database once, then kept: a redemption's check costs no query, and once
        the stock is out, neither does its refusal."""
        item = self._offered.get(item_id)
        if item is None and (item := await self.get(item_id)) is not None:
            self._offered[item_id] = item
        return item

    async def take(self, item_id: str, token: str) -> bool:
        """Takes are made in batches: the updates of one item are one at a time (FerretDB), so the
        takes asked for while one runs are made together in the next, one update for them all."""
        return await self._batched(self._takes, item_id, token, self._take_all)

    async def settle(self, item_id: str, *tokens: str) -> None:
        await asyncio.gather(*(self._batched(self._settles, item_id, t, self._settle_all) for t in tokens))

    async def _batched(
        self,
        waiting: dict[str, dict[str, asyncio.Future[bool]]],
        item_id: str,
        token: str,
        make: Callable[[str, list[str]], Awaitable[set[str]]],
    ) -> bool:
        """Adds `token` to the item's next batch and waits for its answer. The first token of a
        batch starts the task that makes the batch once the item's lock is free (`_make`); the
        others join it meanwhile and wait for their answer only, not for the lock: a thousand
        waiters queued on the lock would each have to take it in turn to learn they are done."""
        batch = waiting.get(item_id)
        if batch is None:
            batch = waiting[item_id] = {}
            task = asyncio.create_task(self._make(waiting, item_id, make))
            self._making.add(task)
            task.add_done_callback(self._making.discard)
        answer = batch.setdefault(token, asyncio.get_running_loop().create_future())
        return await asyncio.shield(answer)  # a request given up on does not cancel the others' answer

    async def _make(
        self,
        waiting: dict[str, dict[str, asyncio.Future[bool]]],
        item_id: str,
        make: Callable[[str, list[str]], Awaitable[set[str]]],
    ) -> None:
        """Makes the item's waiting batch under its lock and answers each of its tokens: whether
        it was done, or the error that stopped the update (those orders stay pending)."""
        async with document_lock(self.collection, item_id):  # FerretDB: one update of a document at a time
            batch = waiting.pop(item_id)
            try:
                done = await make(item_id, list(batch))
            except BaseException as exc:
                failed = exc if isinstance(exc, Exception) else RuntimeError("the update was interrupted")
                for future in batch.values():
                    future.set_exception(failed)
                if not isinstance(exc, Exception):
                    raise
            else:
                for token, future in batch.items():
                    future.set_result(token in done)

    async def _take_all(self, item_id: str, tokens: list[str]) -> set[str]:
        """One of the stock for each token, as many as are left, in one conditional update."""
        on_shelf = ItemStatus.ON_SHELF.value
        found = await self.collection.find_one({"_id": item_id}, {"stock": 1, "status": 1, "in_flight": 1})
        if found is None or found.get("status") != on_shelf:
            return set()
        held = set(found.get("in_flight", []))
        fresh = [t for t in tokens if t not in held][: max(0, int(found["stock"]))]
        if fresh:
            taken = await self.collection.update_one(
                {"_id": item_id, "stock": {"$gte": len(fresh)}, "status": on_shelf, "in_flight": {"$nin": fresh}},
                {"$inc": {"stock": -len(fresh), "version": 1}, "$push": {"in_flight": {"$each": fresh}}},
            )
            if taken.modified_count != 1:  # changed by another process meanwhile: none taken
                fresh = []
        self._stock_is(item_id, int(found["stock"]) - len(fresh))
        return held.intersection(tokens) | set(fresh)

    def _stock_is(self, item_id: str, stock: int | None) -> None:
        """The stock kept for the item (None: unknown, read again when next offered)."""
        kept = self._offered.pop(item_id, None)
        if kept is not None and stock is not None:
            self._offered[item_id] = kept.model_copy(update={"stock": stock})

    async def _settle_all(self, item_id: str, tokens: list[str]) -> set[str]:
        await self.collection.update_one({"_id": item_id}, {"$pullAll": {"in_flight": tokens}, "$inc": {"version": 1}})
        return set(tokens)

    async def give_back(self, item_id: str, token: str) -> None:
        async with document_lock(self.collection, item_id):
            await self.collection.update_one(
                {"_id": item_id, "in_flight": {"$ne": token}},
                {"$inc": {"stock": 1, "version": 1}, "$push": {"in_flight": token}},
            )
            self._stock_is(item_id, None)

    async def holds(self, item_id: str, token: str) -> bool:
        return await self.collection.find_one({"_id": item_id, "in_flight": token}, {"_id": 1}) is not None

    async def on_shelves(self, area_codes: list[str], *, limit: int) -> list[Item]:
        where = {"area_code": {"$in": area_codes}, "status": ItemStatus.ON_SHELF.value}
        return await self._found(where, [("area_code", -1), ("_id", 1)], limit)

    async def of_organization(self, organization_id: str, *, limit: int) -> list[Item]:
        return await self._found({"organization_id": organization_id}, [("created_at", -1)], limit)

    async def _found(self, where: dict[str, Any], order: list[tuple[str, int]], limit: int) -> list[Item]:
        cursor = self.collection.find(where, {"outbox": 0}).sort(order).limit(limit)
        return [item async for document in cursor if (item := self._readable(document)) is not None]


class MongoOrderRepository(MongoRepository[Order]):
    model = Order

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("code", unique=True)
        await self.collection.create_index([("buyer_account", 1), ("ordered_at", -1)])
        await self.collection.create_index([("organization_id", 1), ("status", 1)])
        await self.collection.create_index([("status", 1), ("expires_at", 1)])
        await self.collection.create_index("returning")

    async def insert(self, order: Order, events: Sequence[Envelope] = ()) -> bool:
        try:
            await self.collection.insert_one(with_events(self._fields(order) | {"_id": order.id}, events))
        except DuplicateKeyError:
            return False
        if events:
            self.on_events()
        return True

    async def delete(self, order_id: str) -> None:
        await self.collection.delete_one({"_id": order_id, "status": RedemptionStatus.PENDING.value})

    async def by_code(self, organization_id: str, code: str) -> Order | None:
        found = await self.collection.find_one({"code": code, "organization_id": organization_id}, {"outbox": 0})
        return None if found is None else self._readable(found)

    async def listed(self, where: dict[str, Any], *, limit: int) -> list[Order]:
        cursor = self.collection.find(where, {"outbox": 0}).sort([("ordered_at", -1), ("_id", -1)]).limit(limit)
        return [order async for document in cursor if (order := self._readable(document)) is not None]

    async def unsettled(self, pending_before: datetime) -> list[Order]:
        where = {
            "$or": [
                {"status": RedemptionStatus.PENDING.value, "ordered_at": {"$lt": pending_before}},
                {"returning": True},
            ]
        }
        return await self.listed(where, limit=1000)

    async def overdue(self, moment: datetime, *, limit: int) -> list[Order]:
        where = {"status": RedemptionStatus.ORDERED.value, "expires_at": {"$lt": moment}}
        return await self.listed(where, limit=limit)
