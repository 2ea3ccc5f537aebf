"""The routes of buying services (购买服务). Who may call each: anyone reads the purchases and
their figures (public procurement) — the offers' prices only their buyer and each bidder;
a union (an organisation) or a street's administrator publishes, awards and closes its own; an
organisation offers; the organisation awarded records deliveries; a resident served rates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cobuilding.purchases.models import Purchase
from cobuilding.purchases.service import Purchases, YearFigures, buyer_of
from contract.bodies.cobuilding import AwardCreate, DeliveryCreate, EvaluationCreate, OfferCreate, PurchaseCreate
from contract.events.cobuilding import PurchaseStatus
from runtime.actors import Actor, ActorDep, MaybeActor
from runtime.app import provided
from runtime.known_organizations import ActiveActor
from runtime.pagination import Cursor, Limit, Page, page_of
from runtime.params import AreaQuery, IdPath

router = APIRouter(tags=["buying services"])

PurchasesDep = Annotated[Purchases, Depends(provided(Purchases))]


def as_seen(purchase: Purchase, actor: Actor | None) -> Purchase:
    """The offers' prices and plans for the buyer; each bidder its own; no one else."""
    who = buyer_of(actor) if actor else None
    if who == purchase.buyer:
        return purchase
    own = [o for o in purchase.offers if actor is not None and o.organization_id == actor.organization_id]
    return purchase.model_copy(update={"offers": own})


@router.post("/purchases", status_code=201, response_model=Purchase)
async def publish(body: PurchaseCreate, purchases: PurchasesDep, actor: ActiveActor) -> Purchase:
    """A purchase of services a union (the acting organisation) or a street's administrator publishes."""
    return await purchases.publish(body, actor)


@router.get("/purchases", response_model=Page[Purchase])
async def list_purchases(
    purchases: PurchasesDep,
    actor: MaybeActor,
    area_code: AreaQuery = None,
    status: PurchaseStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, object]:
    found = await purchases.page(area_code=area_code, status=status, after=cursor, limit=limit)
    return page_of([as_seen(p, actor) for p in found], limit)


@router.get("/purchases/figures", response_model=list[YearFigures])
async def figures(
    purchases: PurchasesDep,
    area_code: Annotated[str, Query(pattern=r"^[0-9]{6,12}$")],
    year: Annotated[int | None, Query(ge=2000, le=2099)] = None,
) -> list[YearFigures]:
    """Per area below `area_code` and per year: purchases, budget, money awarded, person-times
    served (for every ¥10,000), organisations awarded."""
    return await purchases.figures(area_code, year)


@router.get("/purchases/{purchase_id}", response_model=Purchase)
async def get_purchase(purchase_id: IdPath, purchases: PurchasesDep, actor: MaybeActor) -> Purchase:
    return as_seen(await purchases.get(purchase_id), actor)


@router.post("/purchases/{purchase_id}/offers", response_model=Purchase)
async def offer(purchase_id: IdPath, body: OfferCreate, purchases: PurchasesDep, actor: ActiveActor) -> Purchase:
    """The acting organisation's offer, within the budget, while the purchase is open."""
    return as_seen(await purchases.offer(purchase_id, body, actor), actor)


@router.post("/purchases/{purchase_id}/award", response_model=Purchase)
async def award(purchase_id: IdPath, body: AwardCreate, purchases: PurchasesDep, actor: ActiveActor) -> Purchase:
    return as_seen(await purchases.award(purchase_id, body, actor), actor)


@router.post("/purchases/{purchase_id}/deliveries", response_model=Purchase)
async def deliver(purchase_id: IdPath, body: DeliveryCreate, purchases: PurchasesDep, actor: ActiveActor) -> Purchase:
    """A delivery of the service (person-times served), by the organisation awarded."""
    return as_seen(await purchases.deliver(purchase_id, body, actor), actor)


@router.post("/purchases/{purchase_id}/ratings", response_model=Purchase)
async def rate(purchase_id: IdPath, body: EvaluationCreate, purchases: PurchasesDep, actor: ActorDep) -> Purchase:
    """A rating by a resident of the purchase's area who was served; once."""
    return as_seen(await purchases.rate(purchase_id, body, actor), actor)


@router.post("/purchases/{purchase_id}/close", response_model=Purchase)
async def close(purchase_id: IdPath, purchases: PurchasesDep, actor: ActiveActor) -> Purchase:
    return as_seen(await purchases.close(purchase_id, actor), actor)
