"""Buying services on fakes of its ports: who publishes, offers (within the budget, not the
buyer), awards (the buyer), delivers (the organisation awarded) and rates (a person of the area,
once); the figures per area and year."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from cobuilding.clock import Clock
from cobuilding.purchases.models import Purchase
from cobuilding.purchases.service import Purchases
from contract.bodies.cobuilding import AwardCreate, DeliveryCreate, EvaluationCreate, OfferCreate, PurchaseCreate
from contract.errors import Conflict, Forbidden, Unprocessable
from devkit.fakes import FakeRepository
from runtime.actors import Actor, ActorKind

from .fakes import AREA, RESCUE, SCHOOL, UNION, FakeOrganizations

STREET = Actor(kind=ActorKind.AREA_ADMIN, area_code=AREA[:9])
RESIDENT = Actor(kind=ActorKind.RESIDENT, resident_id="9" * 32, area_code=AREA)


def org(organization_id: str) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=AREA)


def make() -> tuple[Purchases, FakeRepository[Purchase]]:
    repo, clock = FakeRepository[Purchase](), Clock()
    clock.offset = datetime(2027, 5, 1, 4, tzinfo=UTC) - datetime.now(UTC)
    return Purchases(repo, FakeOrganizations(), clock), repo


def wanted(**fields: Any) -> PurchaseCreate:
    body = {
        "title": "职工心理健康服务",
        "service": "每月两次心理咨询",
        "for_whom": "新就业形态劳动者",
        "category": "elderly_care",
        "budget": 50_000,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
    }
    return PurchaseCreate.model_validate(body | fields)


async def test_a_purchase_from_publishing_to_the_ratings_of_those_served() -> None:
    purchases, repo = make()
    made = await purchases.publish(wanted(), org(UNION))
    assert (made.buyer, made.area_code) == (f"organization:{UNION}", AREA)
    with pytest.raises(Forbidden):
        await purchases.offer(made.id, OfferCreate(price=40_000, plan="x"), org(UNION))  # the buyer itself
    with pytest.raises(Unprocessable, match="budget"):
        await purchases.offer(made.id, OfferCreate(price=60_000, plan="x"), org(RESCUE))
    await purchases.offer(made.id, OfferCreate(price=48_000, plan="两名咨询师"), org(RESCUE))
    offered = await purchases.offer(made.id, OfferCreate(price=40_000, plan="三名咨询师"), org(SCHOOL))
    assert len(offered.offers) == 2
    rescue_offer = next(o for o in offered.offers if o.organization_id == RESCUE)
    with pytest.raises(Forbidden):
        await purchases.award(made.id, AwardCreate(offer_id=rescue_offer.offer_id), org(SCHOOL))
    with pytest.raises(Conflict):  # nothing delivered yet, nothing to rate
        await purchases.rate(made.id, EvaluationCreate(stars=5), RESIDENT)
    awarded = await purchases.award(made.id, AwardCreate(offer_id=rescue_offer.offer_id), org(UNION))
    assert (awarded.awarded_to, awarded.price, repo.types()) == (
        RESCUE,
        48_000,
        ["purchase.published", "purchase.awarded"],
    )
    with pytest.raises(Conflict):
        await purchases.offer(made.id, OfferCreate(price=30_000, plan="晚了"), org(SCHOOL))
    with pytest.raises(Forbidden):
        await purchases.deliver(made.id, DeliveryCreate(on=date(2027, 3, 1), person_times=30), org(SCHOOL))
    with pytest.raises(Unprocessable, match="on"):
        await purchases.deliver(
            made.id, DeliveryCreate(on=date(2027, 6, 1), person_times=30), org(RESCUE)
        )  # after today
    delivered = await purchases.deliver(made.id, DeliveryCreate(on=date(2027, 3, 1), person_times=120), org(RESCUE))
    assert (delivered.served, delivered.served_per_10k_yuan) == (120, 25.0)
    rated = await purchases.rate(made.id, EvaluationCreate(stars=4, text="很有帮助"), RESIDENT)
    assert rated.average_stars == 4
    with pytest.raises(Conflict):
        await purchases.rate(made.id, EvaluationCreate(stars=1), RESIDENT)
    with pytest.raises(Forbidden):
        await purchases.rate(made.id, EvaluationCreate(stars=1), org(SCHOOL))
    elsewhere = Actor(kind=ActorKind.RESIDENT, resident_id="8" * 32, area_code="350103001001")
    with pytest.raises(Forbidden):
        await purchases.rate(made.id, EvaluationCreate(stars=1), elsewhere)


async def test_a_street_buys_for_its_own_area_and_the_figures_add_up_per_area_and_year() -> None:
    purchases, _ = make()
    with pytest.raises(Forbidden):
        await purchases.publish(wanted(area_code="350103001"), STREET)
    with pytest.raises(Forbidden):
        await purchases.publish(wanted(), RESIDENT)
    with pytest.raises(Forbidden):  # an organisation of a community buys for it, not for another street
        await purchases.publish(wanted(area_code="350103001"), org(UNION))
    bought = await purchases.publish(wanted(budget=30_000), STREET)
    assert bought.buyer == f"area:{AREA[:9]}"
    offered = await purchases.offer(bought.id, OfferCreate(price=20_000, plan="x"), org(RESCUE))
    await purchases.award(bought.id, AwardCreate(offer_id=offered.offers[0].offer_id), STREET)
    await purchases.deliver(bought.id, DeliveryCreate(on=date(2027, 2, 1), person_times=50), org(RESCUE))
    await purchases.publish(wanted(starts_on="2026-01-01", ends_on="2026-06-30"), org(UNION))
    [last_year, this_year] = await purchases.figures(AREA[:6], None)
    assert (last_year.year, last_year.purchases, last_year.spent) == (2026, 1, 0)
    assert this_year.model_dump() == {
        "area_code": AREA[:9],
        "year": 2027,
        "purchases": 1,
        "awarded": 1,
        "budget": 30_000,
        "spent": 20_000,
        "served": 50,
        "providers": 1,
        "served_per_10k_yuan": 25.0,
    }
    assert [f.year for f in await purchases.figures(AREA[:6], 2027)] == [2027]
