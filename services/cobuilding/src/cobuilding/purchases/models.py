"""A purchase of services, its offers, deliveries and the ratings of those served."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, computed_field

from contract.aggregates import Versioned
from contract.errors import Conflict
from contract.events.cobuilding import PurchaseStatus
from contract.taxonomy import Category


class Offer(BaseModel):
    offer_id: str
    organization_id: str
    price: int
    plan: str
    at: datetime


class Delivery(BaseModel):
    on: date
    person_times: int
    note: str = ""
    at: datetime


class Rating(BaseModel):
    by: str  # the resident served: `resident:…`
    stars: int
    text: str = ""
    at: datetime


class Purchase(Versioned):
    title: str
    service: str
    for_whom: str
    category: Category
    buyer: str  # `organization:{id}` or `area:{code}`
    area_code: str
    budget: int
    starts_on: date
    ends_on: date
    status: PurchaseStatus = PurchaseStatus.OPEN
    offers: list[Offer] = Field(default_factory=list)
    awarded_to: str | None = None
    price: int | None = None
    deliveries: list[Delivery] = Field(default_factory=list)
    ratings: list[Rating] = Field(default_factory=list)
    published_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def served(self) -> int:
        """Person-times served, as the deliveries say."""
        return sum(d.person_times for d in self.deliveries)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def served_per_10k_yuan(self) -> float | None:
        """Person-times served for every ¥10,000 of the price awarded."""
        return round(self.served * 10_000 / self.price, 1) if self.price else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def average_stars(self) -> float | None:
        return round(sum(r.stars for r in self.ratings) / len(self.ratings), 2) if self.ratings else None

    def require(self, *statuses: PurchaseStatus) -> None:
        if self.status not in statuses:
            raise Conflict(f"the purchase is {self.status.value}", status=self.status.value)
