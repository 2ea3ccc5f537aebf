"""Buying services' use cases. The buyer (an organisation — a union — or a street's
administrator) publishes, awards one offer and closes; an organisation other than the buyer
offers within the budget while the purchase is open; the organisation awarded records its
deliveries; a resident of the purchase's area who was served rates it, once; the figures per area
and year: purchases, money awarded, person-times served."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, computed_field

from cobuilding.areas import area_query
from cobuilding.clock import CST, Clock
from cobuilding.purchases.models import Delivery, Offer, Purchase, Rating
from contract.areas import covers, is_city
from contract.bodies.cobuilding import AwardCreate, DeliveryCreate, EvaluationCreate, OfferCreate, PurchaseCreate
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events import Envelope, data_of
from contract.events.cobuilding import PurchaseAwarded, PurchaseData, PurchasePublished, PurchaseStatus
from contract.ids import new_id
from runtime.actors import Actor, ActorKind, require_organization
from runtime.known_organizations import OrganizationLookup

SOURCE = "/services/cobuilding"


class PurchaseRepository(Protocol):
    async def add(self, purchase: Purchase, events: Sequence[Envelope]) -> None: ...

    async def get(self, purchase_id: str) -> Purchase | None: ...

    async def change(
        self, purchase_id: str, decide: Callable[[Purchase], Sequence[Envelope]], *, quiet: bool = False
    ) -> tuple[Purchase, list[Envelope]]: ...

    async def page_kept(
        self, keep: Callable[[Purchase], bool], *, after: str | None, limit: int, where: Mapping[str, Any] | None = None
    ) -> list[Purchase]: ...


class YearFigures(BaseModel):
    """An area's purchases of services in a year, as the seeds print them."""

    area_code: str
    year: int
    purchases: int = 0
    awarded: int = 0
    budget: int = 0
    spent: int = 0  # the prices awarded
    served: int = 0  # person-times
    providers: int = 0  # organisations awarded

    @computed_field  # type: ignore[prop-decorator]
    @property
    def served_per_10k_yuan(self) -> float | None:
        return round(self.served * 10_000 / self.spent, 1) if self.spent else None


class Purchases:
    def __init__(self, repo: PurchaseRepository, organizations: OrganizationLookup, clock: Clock) -> None:
        self.repo = repo
        self.organizations = organizations
        self.clock = clock

    async def publish(self, cmd: PurchaseCreate, actor: Actor) -> Purchase:
        """By an organisation (a union), in its area; or by an administrator of a street (or
        above), in their area."""
        if actor.kind is ActorKind.ORGANIZATION and actor.organization_id:
            found = await self.organizations.require_active(actor.organization_id)
            buyer, home = f"organization:{actor.organization_id}", str(found["area_code"])
            area_code = cmd.area_code or home
            if not covers(home, area_code):
                raise Forbidden("an organisation buys services for its own area", area_code=area_code)
        elif actor.kind is ActorKind.AREA_ADMIN and actor.area_code:
            buyer, area_code = f"area:{actor.area_code}", cmd.area_code or actor.area_code
            if not actor.administers(area_code):
                raise Forbidden("a street buys services for its own area", area_code=area_code)
        else:
            raise Forbidden("a union (an organisation) or a street's administrator buys services")
        fields = cmd.model_dump(exclude={"area_code"})
        purchase = Purchase(id=new_id(), buyer=buyer, area_code=area_code, published_at=self.clock.now(), **fields)
        await self.repo.add(purchase, [_event(PurchasePublished, purchase)])
        return purchase

    async def get(self, purchase_id: str) -> Purchase:
        purchase = await self.repo.get(purchase_id)
        if purchase is None:
            raise NotFound(f"no purchase {purchase_id!r}")
        return purchase

    async def page(
        self, *, area_code: str | None, status: PurchaseStatus | None, after: str | None, limit: int
    ) -> list[Purchase]:
        where: dict[str, Any] = area_query(area_code) if area_code else {}
        if status is not None:
            where["status"] = status.value
        return await self.repo.page_kept(
            lambda p: area_code is None or covers(area_code, p.area_code), after=after, limit=limit, where=where
        )

    async def offer(self, purchase_id: str, cmd: OfferCreate, actor: Actor) -> Purchase:
        """An organisation's offer, within the budget, while the purchase is open; one each (a
        second replaces the first)."""
        bidder = require_organization(actor)
        await self.organizations.require_active(bidder)

        def decide(purchase: Purchase) -> list[Envelope]:
            purchase.require(PurchaseStatus.OPEN)
            if purchase.buyer == buyer_of(actor):
                raise Forbidden("the buyer does not offer on its own purchase")
            if cmd.price > purchase.budget:
                raise Unprocessable(f"price: the budget is ¥{purchase.budget}", field="price", budget=purchase.budget)
            purchase.offers = [o for o in purchase.offers if o.organization_id != bidder]
            purchase.offers.append(
                Offer(offer_id=new_id(), organization_id=bidder, at=self.clock.now(), **cmd.model_dump())
            )
            return []

        purchase, _ = await self.repo.change(purchase_id, decide, quiet=True)
        return purchase

    async def award(self, purchase_id: str, cmd: AwardCreate, actor: Actor) -> Purchase:
        def decide(purchase: Purchase) -> list[Envelope]:
            _require_buyer(purchase, actor)
            purchase.require(PurchaseStatus.OPEN)
            offer = next((o for o in purchase.offers if o.offer_id == cmd.offer_id), None)
            if offer is None:
                raise Unprocessable(f"no offer {cmd.offer_id!r} on this purchase", field="offer_id")
            purchase.status, purchase.awarded_to, purchase.price = (
                PurchaseStatus.AWARDED,
                offer.organization_id,
                offer.price,
            )
            return [_event(PurchaseAwarded, purchase)]

        purchase, _ = await self.repo.change(purchase_id, decide)
        return purchase

    async def deliver(self, purchase_id: str, cmd: DeliveryCreate, actor: Actor) -> Purchase:
        provider = require_organization(actor)
        today = self.clock.now().astimezone(CST).date()

        def decide(purchase: Purchase) -> list[Envelope]:
            if purchase.awarded_to != provider:
                raise Forbidden("the organisation awarded records the deliveries")
            purchase.require(PurchaseStatus.AWARDED)
            if not purchase.starts_on <= cmd.on <= min(purchase.ends_on, today):
                raise Unprocessable("on: a day of the purchase's period, not after today", field="on")
            purchase.deliveries.append(Delivery(at=self.clock.now(), **cmd.model_dump()))
            return []

        purchase, _ = await self.repo.change(purchase_id, decide, quiet=True)
        return purchase

    async def rate(self, purchase_id: str, cmd: EvaluationCreate, actor: Actor) -> Purchase:
        """A resident of the purchase's area (its street) rates the service delivered, once."""
        who = actor.person
        if actor.kind is not ActorKind.RESIDENT or who is None:
            raise Forbidden("those served rate a service: a resident of its area")

        def decide(purchase: Purchase) -> list[Envelope]:
            if actor.area_code is None or not covers(purchase.area_code[:9], actor.area_code):
                raise Forbidden("those of the purchase's area rate it")
            if not purchase.deliveries:
                raise Conflict("a service is rated once it has delivered something", status=purchase.status.value)
            if any(r.by == who for r in purchase.ratings):
                raise Conflict("rated already", rated_by=who)
            purchase.ratings.append(Rating(by=who, stars=cmd.stars, text=cmd.text, at=self.clock.now()))
            return []

        purchase, _ = await self.repo.change(purchase_id, decide, quiet=True)
        return purchase

    async def close(self, purchase_id: str, actor: Actor) -> Purchase:
        def decide(purchase: Purchase) -> list[Envelope]:
            _require_buyer(purchase, actor)
            purchase.require(PurchaseStatus.OPEN, PurchaseStatus.AWARDED)
            purchase.status = PurchaseStatus.CLOSED
            return []

        purchase, _ = await self.repo.change(purchase_id, decide, quiet=True)
        return purchase

    async def figures(self, area_code: str, year: int | None) -> list[YearFigures]:
        """Per district (a city's), street (a district's) or community (a street's), per year."""
        digits = _below(area_code)
        tallies: dict[tuple[str, int], YearFigures] = {}
        providers: dict[tuple[str, int], set[str]] = defaultdict(set)
        for purchase in await self.page(area_code=area_code, status=None, after=None, limit=10_000):
            key = (purchase.area_code[:digits], purchase.starts_on.year)
            if year is not None and key[1] != year:
                continue
            row = tallies.setdefault(key, YearFigures(area_code=key[0], year=key[1]))
            row.purchases += 1
            row.budget += purchase.budget
            if purchase.price is not None and purchase.awarded_to is not None:
                row.awarded += 1
                row.spent += purchase.price
                providers[key].add(purchase.awarded_to)
            row.served += purchase.served
        for key, row in tallies.items():
            row.providers = len(providers[key])
        return [tallies[k] for k in sorted(tallies)]


def buyer_of(actor: Actor) -> str | None:
    """Who an actor buys as: its organisation (a member's too), or an administrator's area."""
    if actor.kind is ActorKind.ORGANIZATION and actor.organization_id:
        return f"organization:{actor.organization_id}"
    if actor.kind is ActorKind.AREA_ADMIN and actor.area_code:
        return f"area:{actor.area_code}"
    return None


def _require_buyer(purchase: Purchase, actor: Actor) -> None:
    if buyer_of(actor) != purchase.buyer:
        raise Forbidden("only the buyer does this")


def _below(node: str) -> int:
    """The digits of the areas a node's figures are given by: a city's districts, a district's
    streets, a street's communities."""
    return 6 if is_city(node) else {6: 9, 9: 12}.get(len(node), len(node))


def _event(event: type[Envelope], purchase: Purchase) -> Envelope:
    data = data_of(PurchaseData, purchase, purchase_id=purchase.id)
    return event(source=SOURCE, subject=purchase.id, data=data)  # type: ignore[call-arg]  # each purchase event has `data`
