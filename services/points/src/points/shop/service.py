"""The points shop's use cases: an organisation shelves items in an area; a member or a resident
redeems one with their own points; the shop hands it over against its pickup code; an order not
picked up in time expires, and a cancelled or expired one gives back its points and its stock.

A redemption is done in steps, each one recorded so that a crash between two is finished or
undone exactly once by `reconcile` (at start, then by the sweep): the order is stored first
(pending, with its code), one of the stock is taken (a conditional update naming the order),
the points move from the person to the shop (the ledger's movement, caused by the order), then
the order is marked ordered. The stock can never go below zero (the update's condition) nor the
person's points (the ledger's floor, one debit at a time per account)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from contract.areas import ancestors
from contract.bodies.points import ItemCreate, ItemEdit
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events import Envelope
from contract.events.points import (
    RedemptionCancelled,
    RedemptionExpired,
    RedemptionOrdered,
    RedemptionPickedUp,
    RedemptionStatus,
    Unit,
)
from contract.ids import new_id
from points.ledger.models import Where, account
from points.ledger.service import InsufficientBalance, Ledger
from points.shop.models import Item, ItemStatus, Order, pickup_code
from points.shop.repository import ItemRepository, OrderRepository
from runtime.actors import Actor, ActorKind, require_organization
from runtime.known_organizations import OrganizationLookup

log = logging.getLogger(__name__)
SOURCE = "points"
STALE = timedelta(minutes=1)  # a pending order older than this is no request still running
CLOSED = {
    RedemptionStatus.EXPIRED: RedemptionExpired,
    RedemptionStatus.CANCELLED: RedemptionCancelled,
}


def buyer_of(actor: Actor) -> str:
    """The account a person redeems from: their own, as a member or as a resident."""
    if actor.kind is ActorKind.RESIDENT and actor.resident_id:
        return account("resident", actor.resident_id)
    if actor.kind is ActorKind.ORGANIZATION and actor.member_id:
        return account("member", actor.member_id)
    raise Forbidden("a member or a resident redeems points, their own", actor=actor.kind.value)


def _back(order_id: str) -> str:
    """The token of the stock an order gives back (its own id names the stock it took)."""
    return f"{order_id}:back"


def _now() -> datetime:
    return datetime.now(UTC)


class Shop:
    def __init__(
        self,
        items: ItemRepository,
        orders: OrderRepository,
        ledger: Ledger,
        organizations: OrganizationLookup,
        *,
        pickup_days: int = 7,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.items = items
        self.orders = orders
        self.ledger = ledger
        self.organizations = organizations
        self.pickup = timedelta(days=pickup_days)
        self.clock = clock
        # orders a request of this process is taking through their steps: `reconcile` leaves them
        # alone however long they take (one writer process: runtime.lease)
        self._running: set[str] = set()

    # the shelves

    async def shelve(self, cmd: ItemCreate, actor: Actor) -> Item:
        """An organisation puts an item on an area's shelf."""
        organization_id = require_organization(actor)
        await self.organizations.require_active(organization_id)
        item = Item(id=new_id(), organization_id=organization_id, created_at=self.clock(), **cmd.model_dump())
        await self.items.add(item, [])
        return item

    async def edit(self, item_id: str, cmd: ItemEdit, actor: Actor) -> Item:
        """The organisation changes its item: name, description, price, stock, end of validity."""
        changes = cmd.model_dump(exclude_unset=True)

        def decide(item: Item) -> list[Envelope]:
            _require_own(item, actor)
            for name, value in changes.items():
                setattr(item, name, value)
            if item.valid_from and item.valid_until and item.valid_until <= item.valid_from:
                raise Unprocessable("valid_until must come after valid_from", field="valid_until")
            return []

        item, _ = await self.items.change(item_id, decide, quiet=True)
        return item

    async def withdraw(self, item_id: str, actor: Actor) -> Item:
        """The organisation takes its item off the shelf; orders made stay to be picked up."""

        def decide(item: Item) -> list[Envelope]:
            _require_own(item, actor)
            item.status = ItemStatus.WITHDRAWN
            return []

        item, _ = await self.items.change(item_id, decide, quiet=True)
        return item

    async def shelf(self, area_code: str, *, limit: int) -> list[Item]:
        """What is on offer to the people of an area: the items on its shelf and on the shelves
        of the street, district and city above it."""
        moment = self.clock()
        found = await self.items.on_shelves(ancestors(area_code), limit=limit)
        return [item for item in found if item.on_offer(moment)]

    async def item(self, item_id: str) -> Item:
        found = await self.items.get(item_id)
        if found is None:
            raise NotFound(f"no item {item_id!r}")
        return found

    async def items_of(self, organization_id: str, actor: Actor, *, limit: int) -> list[Item]:
        """An organisation's own items, withdrawn ones too, for it."""
        if not actor.is_organization(organization_id):
            raise Forbidden("an organisation's list of its items is its own to read")
        return await self.items.of_organization(organization_id, limit=limit)

    # orders

    async def redeem(self, item_id: str, actor: Actor) -> Order:
        """A person orders one of an item with their own points: 409 when none is left
        (`left`) or their points do not reach its price (`insufficient_balance`)."""
        buyer = buyer_of(actor)
        item = await self.items.offered(item_id)
        if item is None:
            raise NotFound(f"no item {item_id!r}")
        moment = self.clock()
        if not item.on_offer(moment):
            raise Conflict("the item is not on offer now", status=item.status.value)
        if item.stock < 1:
            raise Conflict("none of this item is left", left=0)
        held = self.ledger.balances.balance(buyer, Unit.POINTS)
        if held < item.price:
            raise InsufficientBalance(f"{buyer} holds {held} points, not {item.price}", balance=held)
        order = Order(
            id=new_id(),
            item_id=item.id,
            item_name=item.name,
            organization_id=item.organization_id,
            area_code=item.area_code,
            buyer_account=buyer,
            price=item.price,
            code=pickup_code(),
            ordered_at=moment,
            expires_at=moment + self.pickup,
        )
        self._running.add(order.id)
        try:
            return await self._order(order, item)
        finally:
            self._running.discard(order.id)

    async def _order(self, order: Order, item: Item) -> Order:
        """The steps of a redemption, the order's first: stored, stock taken, paid, ordered."""
        buyer, moment = order.buyer_account, order.ordered_at
        while not await self.orders.insert(order):  # its code is taken: another one
            order = order.model_copy(update={"code": pickup_code()})
        if not await self.items.take(item.id, order.id):
            await self.orders.delete(order.id)
            raise Conflict("none of this item is left", left=0)
        try:
            await self.ledger.move(
                buyer,
                order.shop_account,
                Unit.POINTS,
                order.price,
                cause_id=order.id,
                cause_type=RedemptionOrdered.model_fields["type"].default,
                at=moment,
                where=Where(area_code=item.area_code, organization_id=item.organization_id, about=item.name),
            )
        except InsufficientBalance:
            await self._undo(order)
            raise
        return await self._ordered(order)

    async def _ordered(self, order: Order) -> Order:
        """A paid order: its stock token forgotten, then the order marked ordered, announced."""
        await self.items.settle(order.item_id, order.id, _back(order.id))

        def decide(stored: Order) -> list[Envelope]:
            stored.require(RedemptionStatus.PENDING)
            stored.status = RedemptionStatus.ORDERED
            return [RedemptionOrdered(source=SOURCE, subject=stored.id, data=stored.data())]

        ordered, _ = await self.orders.change(order.id, decide, cached=order)  # as just stored, unless changed since
        return ordered

    async def _undo(self, order: Order) -> None:
        """An order not paid for: its stock back if it took one, then it is forgotten."""
        if await self.items.holds(order.item_id, order.id):
            await self.items.give_back(order.item_id, _back(order.id))
        await self.items.settle(order.item_id, order.id, _back(order.id))
        await self.orders.delete(order.id)

    async def orders_of(self, actor: Actor, *, status: RedemptionStatus | None, limit: int) -> list[Order]:
        """A person's own orders, the newest first. Pending ones are not shown: not made yet."""
        return await self.orders.listed(_where({"buyer_account": buyer_of(actor)}, status), limit=limit)

    async def shop_orders(
        self, organization_id: str, actor: Actor, *, status: RedemptionStatus | None, limit: int
    ) -> list[Order]:
        """The orders of an organisation's shop (`status=ordered`: those to hand over), for it."""
        if not actor.is_organization(organization_id):
            raise Forbidden("an organisation's shop orders are its own to read")
        return await self.orders.listed(_where({"organization_id": organization_id}, status), limit=limit)

    async def order(self, order_id: str, actor: Actor) -> Order:
        """An order, for its buyer and its shop's organisation."""
        found = await self.orders.get(order_id)
        if found is None or found.status is RedemptionStatus.PENDING or not _sees(found, actor):
            raise NotFound(f"no order {order_id!r}")
        return found

    async def by_code(self, code: str, actor: Actor) -> Order:
        """The order of the shop's organisation that has this pickup code (read from its QR)."""
        found = await self.orders.by_code(require_organization(actor), code)
        if found is None or found.status is RedemptionStatus.PENDING:
            raise NotFound("no order of this shop has that pickup code")
        return found

    async def pick_up(self, code: str, actor: Actor) -> Order:
        """The shop hands the order over against its code: once, and only before it expires."""
        found = await self.by_code(code, actor)
        moment = self.clock()

        def decide(order: Order) -> list[Envelope]:
            order.require(RedemptionStatus.ORDERED)
            if order.expires_at <= moment:
                raise Conflict("the order is past its pickup time", status=RedemptionStatus.EXPIRED.value)
            order.status, order.closed_at = RedemptionStatus.PICKED_UP, moment
            return [RedemptionPickedUp(source=SOURCE, subject=order.id, data=order.data())]

        picked, _ = await self.orders.change(found.id, decide)
        return picked

    async def cancel(self, order_id: str, actor: Actor) -> Order:
        """The buyer cancels an order before its pickup: its points and its stock come back."""
        buyer = buyer_of(actor)
        found = await self.order(order_id, actor)
        if found.buyer_account != buyer:
            raise Forbidden("only the person who ordered cancels an order")
        return await self._close(order_id, RedemptionStatus.CANCELLED)

    async def _close(self, order_id: str, status: RedemptionStatus) -> Order:
        moment = self.clock()

        def decide(order: Order) -> list[Envelope]:
            order.require(RedemptionStatus.ORDERED)
            order.status, order.closed_at, order.returning = status, moment, True
            return [CLOSED[status](source=SOURCE, subject=order.id, data=order.data())]

        self._running.add(order_id)
        try:
            closed, _ = await self.orders.change(order_id, decide)
            return await self._return(closed)
        finally:
            self._running.discard(order_id)

    async def _return(self, order: Order) -> Order:
        """The points back to the person, the stock back to the item, each once, then the order
        no longer returning."""
        if not await self.ledger.moved(order.id, Unit.POINTS, order.buyer_account):
            await self.ledger.move(
                order.shop_account,
                order.buyer_account,
                Unit.POINTS,
                order.price,
                cause_id=order.id,
                cause_type=f"redemption.{order.status.value}",
                at=self.clock(),
            )
        await self.items.give_back(order.item_id, _back(order.id))

        def decide(stored: Order) -> list[Envelope]:
            stored.returning = False
            return []

        returned, _ = await self.orders.change(order.id, decide, quiet=True)
        await self.items.settle(order.item_id, _back(order.id))
        return returned

    # after a crash, and as time passes

    async def reconcile(self, *, pending_before: datetime) -> int:
        """Finishes what a crash left half done: a pending order paid for is ordered, one not
        paid gives its stock back and is forgotten; an expired or cancelled one still returning
        gets its points and stock back. How many it finished."""
        finished = 0
        for order in await self.orders.unsettled(pending_before):
            if order.id in self._running:
                continue
            if order.status is RedemptionStatus.PENDING:
                if await self.ledger.moved(order.id, Unit.POINTS, order.shop_account):
                    if await self.items.holds(order.item_id, _back(order.id)):
                        log.error("a paid order's stock was given back", extra={"fields": {"order": order.id}})
                    await self._ordered(order)
                else:
                    await self._undo(order)
            else:
                await self._return(order)
            finished += 1
        return finished

    async def sweep(self) -> int:
        """Orders past their pickup time expire (points and stock back); half-done ones are finished."""
        moment = self.clock()
        expired = 0
        for order in await self.orders.overdue(moment, limit=500):
            try:
                await self._close(order.id, RedemptionStatus.EXPIRED)
            except Conflict:  # picked up or cancelled meanwhile
                continue
            expired += 1
        return expired + await self.reconcile(pending_before=moment - STALE)


def _require_own(item: Item, actor: Actor) -> None:
    if not actor.is_organization(item.organization_id):
        raise Forbidden("only the organisation that shelved an item changes it")


def _sees(order: Order, actor: Actor) -> bool:
    """The buyer and the shop's organisation see an order."""
    if actor.is_organization(order.organization_id):
        return True
    try:
        return buyer_of(actor) == order.buyer_account
    except Forbidden:
        return False


def _where(where: dict[str, object], status: RedemptionStatus | None) -> dict[str, object]:
    return {**where, "status": status.value if status else {"$ne": RedemptionStatus.PENDING.value}}
