"""The points shop's steps, on fakes of its ports: whatever step a crash stops a redemption or a
return at, `reconcile` finishes or undoes it so that the stock and the points move exactly once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contract.bodies.points import ItemKind
from contract.errors import Conflict, NotFound
from contract.events import Envelope
from contract.events.points import RedemptionStatus, Unit
from points.ledger.service import Ledger, issuing
from points.ledger.view import Balances
from points.shop.models import Item, Order
from points.shop.service import Shop
from runtime.actors import Actor, ActorKind

from .fakes import FakeMovements

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
BUYER = "member:" + "b" * 32
SHOP_ORG = "c" * 32


class FakeItems:
    def __init__(self) -> None:
        self.items: dict[str, Item] = {}
        self.in_flight: dict[str, list[str]] = {}

    async def add(self, aggregate: Item, events: Sequence[Envelope]) -> None:
        self.items[aggregate.id] = aggregate

    async def get(self, aggregate_id: str) -> Item | None:
        return self.items.get(aggregate_id)

    async def offered(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    async def change(self, aggregate_id: str, decide: Callable[[Item], Any], *, quiet: bool = False) -> Any:
        item = self.items[aggregate_id].model_copy(deep=True)
        events = decide(item)
        self.items[aggregate_id] = item
        return item, events

    def _stock(self, item_id: str, by: int) -> None:
        item = self.items[item_id]
        self.items[item_id] = item.model_copy(update={"stock": item.stock + by})

    async def take(self, item_id: str, token: str) -> bool:
        tokens = self.in_flight.setdefault(item_id, [])
        if self.items[item_id].stock < 1 or token in tokens:
            return False
        self._stock(item_id, -1)
        tokens.append(token)
        return True

    async def give_back(self, item_id: str, token: str) -> None:
        tokens = self.in_flight.setdefault(item_id, [])
        if token not in tokens:
            self._stock(item_id, 1)
            tokens.append(token)

    async def settle(self, item_id: str, *tokens: str) -> None:
        self.in_flight[item_id] = [t for t in self.in_flight.get(item_id, []) if t not in tokens]

    async def holds(self, item_id: str, token: str) -> bool:
        return token in self.in_flight.get(item_id, [])

    async def on_shelves(self, area_codes: list[str], *, limit: int) -> list[Item]:
        return [i for i in self.items.values() if i.area_code in area_codes][:limit]

    async def of_organization(self, organization_id: str, *, limit: int) -> list[Item]:
        return [i for i in self.items.values() if i.organization_id == organization_id][:limit]


class FakeOrders:
    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.events: list[str] = []

    async def insert(self, order: Order, events: Sequence[Envelope] = ()) -> bool:
        if any(o.code == order.code for o in self.orders.values()):
            return False
        self.orders[order.id] = order
        return True

    async def get(self, aggregate_id: str) -> Order | None:
        return self.orders.get(aggregate_id)

    async def change(
        self, aggregate_id: str, decide: Callable[[Order], Any], *, cached: Order | None = None, quiet: bool = False
    ) -> Any:
        if aggregate_id not in self.orders:
            raise NotFound(aggregate_id)
        order = self.orders[aggregate_id].model_copy(deep=True)
        events = list(decide(order))
        self.orders[aggregate_id] = order
        self.events.extend(e.type for e in events)
        return order, events

    async def delete(self, order_id: str) -> None:
        if self.orders.get(order_id) and self.orders[order_id].status is RedemptionStatus.PENDING:
            del self.orders[order_id]

    async def by_code(self, organization_id: str, code: str) -> Order | None:
        return next((o for o in self.orders.values() if o.code == code and o.organization_id == organization_id), None)

    async def listed(self, where: dict[str, Any], *, limit: int) -> list[Order]:
        return list(self.orders.values())[:limit]

    async def unsettled(self, pending_before: datetime) -> list[Order]:
        return [
            o
            for o in self.orders.values()
            if (o.status is RedemptionStatus.PENDING and o.ordered_at < pending_before) or o.returning
        ]

    async def overdue(self, moment: datetime, *, limit: int) -> list[Order]:
        return [o for o in self.orders.values() if o.status is RedemptionStatus.ORDERED and o.expires_at < moment]


class Known:
    async def require(self, organization_id: str) -> dict[str, Any]:
        return {"_id": organization_id}

    async def require_active(self, organization_id: str) -> dict[str, Any]:
        return {"_id": organization_id}

    async def require_member(self, organization_id: str, member_id: str) -> None:
        return None


@pytest.fixture
def parts() -> tuple[Shop, FakeItems, FakeOrders, Ledger]:
    balances = Balances()
    ledger = Ledger(FakeMovements(balances), balances)
    items, orders = FakeItems(), FakeOrders()
    shop = Shop(items, orders, ledger, Known(), pickup_days=7, clock=lambda: NOW)
    return shop, items, orders, ledger


async def stocked(items: FakeItems, ledger: Ledger, *, stock: int = 3, points: int = 30) -> Item:
    item = Item(
        id="i" * 32,
        organization_id=SHOP_ORG,
        kind=ItemKind.GOODS,
        name="大米",
        area_code="350102001001",
        price=10,
        stock=stock,
        created_at=NOW,
    )
    await items.add(item, [])
    await ledger.issue(issuing(BUYER, Unit.POINTS, points, cause_id="gift", cause_type="test", at=NOW, rule_version=1))
    return item


def pending(item: Item, order_id: str = "o" * 32) -> Order:
    return Order(
        id=order_id,
        item_id=item.id,
        item_name=item.name,
        organization_id=item.organization_id,
        area_code=item.area_code,
        buyer_account=BUYER,
        price=item.price,
        code="12345678",
        ordered_at=NOW - timedelta(hours=1),
        expires_at=NOW + timedelta(days=6),
    )


def points(ledger: Ledger, account: str = BUYER) -> int:
    return ledger.balances.balance(account, Unit.POINTS)


async def stopped_after_taking(items: FakeItems, orders: FakeOrders, ledger: Ledger) -> tuple[Item, Order]:
    """An order stored pending and its stock taken, as a crash would leave it before the payment."""
    item = await stocked(items, ledger)
    order = pending(item)
    await orders.insert(order)
    await items.take(item.id, order.id)
    return item, order


class TestReconcile:
    async def test_an_order_stopped_after_its_stock_was_taken_gives_it_back_once(self, parts: Any) -> None:
        shop, items, orders, ledger = parts
        item, order = await stopped_after_taking(items, orders, ledger)

        assert await shop.reconcile(pending_before=NOW) == 1
        assert await shop.reconcile(pending_before=NOW) == 0
        assert (items.items[item.id].stock, order.id in orders.orders, points(ledger)) == (3, False, 30)
        assert items.in_flight[item.id] == []

    async def test_an_order_stopped_after_it_was_paid_is_ordered_with_its_stock_kept(self, parts: Any) -> None:
        shop, items, orders, ledger = parts
        item, order = await stopped_after_taking(items, orders, ledger)
        await ledger.move(BUYER, order.shop_account, Unit.POINTS, 10, cause_id=order.id, cause_type="t", at=NOW)

        await shop.reconcile(pending_before=NOW)
        assert orders.orders[order.id].status is RedemptionStatus.ORDERED
        assert orders.events == ["redemption.ordered"]
        assert (items.items[item.id].stock, points(ledger), items.in_flight[item.id]) == (2, 20, [])

    async def test_a_return_stopped_after_the_refund_gives_the_stock_back_and_no_second_refund(
        self, parts: Any
    ) -> None:
        shop, items, orders, ledger = parts
        item = await stocked(items, ledger)
        ordered = await shop.redeem(item.id, _member())
        orders.orders[ordered.id] = ordered.model_copy(update={"status": RedemptionStatus.CANCELLED, "returning": True})
        await ledger.move(ordered.shop_account, BUYER, Unit.POINTS, 10, cause_id=ordered.id, cause_type="t", at=NOW)

        await shop.reconcile(pending_before=NOW)
        await shop.reconcile(pending_before=NOW)
        assert (items.items[item.id].stock, points(ledger), points(ledger, ordered.shop_account)) == (3, 30, 0)
        assert orders.orders[ordered.id].returning is False

    async def test_an_order_a_request_is_still_taking_through_is_left_alone(self, parts: Any) -> None:
        shop, items, orders, ledger = parts
        item, order = await stopped_after_taking(items, orders, ledger)
        shop._running.add(order.id)

        assert await shop.reconcile(pending_before=NOW) == 0
        assert order.id in orders.orders and items.items[item.id].stock == 2


class TestRedeem:
    async def test_points_short_of_the_price_take_no_stock(self, parts: Any) -> None:
        shop, items, orders, ledger = parts
        item = await stocked(items, ledger, points=5)
        with pytest.raises(Conflict):
            await shop.redeem(item.id, _member())
        assert (items.items[item.id].stock, orders.orders) == (3, {})

    async def test_an_expired_order_gives_back_its_points_and_its_stock(self, parts: Any) -> None:
        shop, items, orders, ledger = parts
        item = await stocked(items, ledger)
        order = await shop.redeem(item.id, _member())
        shop.clock = lambda: NOW + timedelta(days=8)

        assert await shop.sweep() == 1
        assert orders.orders[order.id].status is RedemptionStatus.EXPIRED
        assert (items.items[item.id].stock, points(ledger)) == (3, 30)
        assert orders.events == ["redemption.ordered", "redemption.expired"]


def _member() -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id="d" * 32, member_id="b" * 32)
