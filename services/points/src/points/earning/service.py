"""Earning from the other services' events: help done becomes points (and minutes) from the
city's account, under the rules in force, within the daily cap, once per event.

A completed claim earns its member (or, with none, the claiming organisation) points for the
person-times served, times the need's category's multiplier, and minutes for each person-time
(the need's time window, or the rule's default); nothing when the claimer served its own
organisation's need. A confirmed micro-wish earns the organisation that fulfilled it; a
completed service request earns its provider.

Events come one at a time (`on_claim_completed`, ...) or as a run from the consumer
(`on_events`): the run is weighed in memory and stored in one insert, the daily cap counted
across it, a redelivered event's movements left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from contract.events import Envelope
from contract.events.needs import ClaimCompleted, ClaimData, NeedPosted, NeedPostedData, WishConfirmed
from contract.events.points import Unit
from contract.events.resources import ServiceRequestCompleted
from contract.taxonomy import Category
from points.earning.needs import KnownNeed
from points.ledger.models import Movement, Where, account, movement_id
from points.ledger.service import Ledger, day_of, issuing
from points.rules.service import Rules


class NeedRepository(Protocol):
    async def remember(self, need: KnownNeed) -> None: ...

    async def get(self, need_id: str) -> KnownNeed | None: ...

    async def remember_many(self, needs: Sequence[KnownNeed]) -> None: ...

    async def get_many(self, need_ids: Collection[str]) -> dict[str, KnownNeed]: ...


@dataclass(frozen=True)
class Earned:
    """What an event earns an account, before the daily cap."""

    to: str
    unit: Unit
    amount: int
    cause: Envelope
    where: Where

    @cached_property
    def movement_id(self) -> str:
        return movement_id(self.cause.id, self.unit, self.to)


class Earning:
    def __init__(self, ledger: Ledger, rules: Rules, needs: NeedRepository) -> None:
        self.ledger = ledger
        self.rules = rules
        self.needs = needs

    async def on_need_posted(self, event: NeedPosted) -> None:
        await self.needs.remember(_known(event.data, event.data.category))

    async def on_claim_completed(self, event: ClaimCompleted) -> None:
        need = _told(event) or await self.needs.get(event.data.need_id)
        for earned in self._claim(event, need):
            await self._issue(earned)

    async def on_wish_confirmed(self, event: WishConfirmed) -> None:
        for earned in self._wish(event):
            await self._issue(earned)

    async def on_request_completed(self, event: ServiceRequestCompleted) -> None:
        for earned in self._request(event):
            await self._issue(earned)

    async def on_events(self, events: Sequence[Envelope]) -> None:
        """A run of the events above, in order, with one write of the needs posted, one read of
        the needs claimed on that the claims do not describe, one of the movements stored already
        (a redelivery's) and one insert of the rest; the daily cap counts what the run gives
        before each movement."""
        posted = {e.data.need_id: _known(e.data, e.data.category) for e in events if isinstance(e, NeedPosted)}
        await self.needs.remember_many(list(posted.values()))
        undescribed = {e.data.need_id for e in events if isinstance(e, ClaimCompleted) and e.data.category is None}
        needs = {**await self.needs.get_many(undescribed - posted.keys()), **posted}
        earned = [one for event in events for one in self._earned(event, needs)]
        seen = await self.ledger.stored({one.movement_id for one in earned})
        rules = self.rules.current
        given: Counter[tuple[str, str]] = Counter()  # points this run gives an account on a day
        movements: list[Movement] = []
        for one in earned:
            if one.movement_id in seen:
                continue
            seen.add(one.movement_id)
            amount = one.amount
            if one.unit is Unit.POINTS:
                day = day_of(one.cause.time)
                amount = rules.capped(amount, self.ledger.balances.earned_on(one.to, day) + given[one.to, day])
                given[one.to, day] += amount
            if amount > 0:
                movements.append(_movement(one, amount, rules.version))
        await self.ledger.issue_many(movements)

    def _earned(self, event: Envelope, needs: dict[str, KnownNeed]) -> list[Earned]:
        if isinstance(event, ClaimCompleted):
            return self._claim(event, _told(event) or needs.get(event.data.need_id))
        if isinstance(event, WishConfirmed):
            return self._wish(event)
        if isinstance(event, ServiceRequestCompleted):
            return self._request(event)
        return []

    def _claim(self, event: ClaimCompleted, need: KnownNeed | None) -> list[Earned]:
        claim = event.data
        if claim.need_organization_id == claim.organization_id:
            return []  # serving one's own organisation's need earns nothing
        served = claim.served if claim.served is not None else claim.quantity
        rules = self.rules.current
        to = account("member", claim.member_id) if claim.member_id else account("organization", claim.organization_id)
        where = Where(
            area_code=need.area_code if need else None,
            organization_id=claim.organization_id,
            about=need.title if need else None,
        )
        points = rules.claim_points(served, need.category if need else None)
        minutes = rules.claim_minutes(served, need.window if need else None)
        return [Earned(to, Unit.POINTS, points, event, where), Earned(to, Unit.MINUTES, minutes, event, where)]

    def _wish(self, event: WishConfirmed) -> list[Earned]:
        claimer = event.data.claimer_organization_id
        if claimer is None:
            return []
        where = Where(area_code=event.data.area_code, organization_id=claimer)
        return [Earned(account("organization", claimer), Unit.POINTS, self.rules.current.points_per_wish, event, where)]

    def _request(self, event: ServiceRequestCompleted) -> list[Earned]:
        provider = event.data.provider_organization_id
        points = self.rules.current.points_per_service_request
        return [Earned(account("organization", provider), Unit.POINTS, points, event, Where(organization_id=provider))]

    async def _issue(self, earned: Earned) -> None:
        """Issues what was earned; points no more than the daily cap leaves the account on the cause's day."""
        rules = self.rules.current
        amount = earned.amount
        if earned.unit is Unit.POINTS:
            amount = rules.capped(amount, self.ledger.balances.earned_on(earned.to, day_of(earned.cause.time)))
        if amount > 0:
            await self.ledger.issue(_movement(earned, amount, rules.version))


def _told(event: ClaimCompleted) -> KnownNeed | None:
    """The need as the claim's event describes it (None: an event of before they did)."""
    category = event.data.category
    return None if category is None else _known(event.data, category)


def _known(data: NeedPostedData | ClaimData, category: Category) -> KnownNeed:
    """The need as a need's or a claim's event data says it is."""
    return KnownNeed(
        id=data.need_id,
        category=category,
        title=data.title,
        area_code=data.area_code,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )


def _movement(earned: Earned, amount: int, rule_version: int) -> Movement:
    return issuing(
        earned.to,
        earned.unit,
        amount,
        cause_id=earned.cause.id,
        cause_type=earned.cause.type,
        at=earned.cause.time,
        rule_version=rule_version,
        where=earned.where,
    )
