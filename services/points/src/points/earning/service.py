"""Earning from the other services' events: help done becomes points (and minutes) from the
city's account, under the rules in force, within the daily cap, once per event.

A completed claim earns its member (or, with none, the claiming organisation) points for the
person-times served, times the need's category's multiplier, and minutes for each person-time
(the need's time window, or the rule's default); nothing when the claimer served its own
organisation's need. A confirmed micro-wish earns the organisation that fulfilled it; a
completed service request earns its provider."""

from __future__ import annotations

from typing import Protocol

from contract.events import Envelope
from contract.events.needs import ClaimCompleted, NeedPosted, WishConfirmed
from contract.events.points import Unit
from contract.events.resources import ServiceRequestCompleted
from points.earning.needs import KnownNeed
from points.ledger.models import Where, account
from points.ledger.service import Ledger, day_of
from points.rules.service import Rules


class NeedRepository(Protocol):
    async def remember(self, need: KnownNeed) -> None: ...

    async def get(self, need_id: str) -> KnownNeed | None: ...


class Earning:
    def __init__(self, ledger: Ledger, rules: Rules, needs: NeedRepository) -> None:
        self.ledger = ledger
        self.rules = rules
        self.needs = needs

    async def on_need_posted(self, event: NeedPosted) -> None:
        data = event.data
        await self.needs.remember(
            KnownNeed(
                id=data.need_id,
                category=data.category,
                title=data.title,
                area_code=data.area_code,
                starts_at=data.starts_at,
                ends_at=data.ends_at,
            )
        )

    async def on_claim_completed(self, event: ClaimCompleted) -> None:
        claim = event.data
        if claim.need_organization_id == claim.organization_id:
            return  # serving one's own organisation's need earns nothing
        served = claim.served if claim.served is not None else claim.quantity
        need = await self.needs.get(claim.need_id)
        rules = self.rules.current
        to = account("member", claim.member_id) if claim.member_id else account("organization", claim.organization_id)
        where = Where(
            area_code=need.area_code if need else None,
            organization_id=claim.organization_id,
            about=need.title if need else None,
        )
        points = rules.claim_points(served, need.category if need else None)
        await self._points(to, points, event, where)
        minutes = rules.claim_minutes(served, need.window if need else None)
        await self.ledger.issue(
            to,
            Unit.MINUTES,
            minutes,
            cause_id=event.id,
            cause_type=event.type,
            at=event.time,
            rule_version=rules.version,
            where=where,
        )

    async def on_wish_confirmed(self, event: WishConfirmed) -> None:
        claimer = event.data.claimer_organization_id
        if claimer is not None:
            where = Where(area_code=event.data.area_code, organization_id=claimer)
            await self._points(account("organization", claimer), self.rules.current.points_per_wish, event, where)

    async def on_request_completed(self, event: ServiceRequestCompleted) -> None:
        provider = event.data.provider_organization_id
        where = Where(organization_id=provider)
        points = self.rules.current.points_per_service_request
        await self._points(account("organization", provider), points, event, where)

    async def _points(self, to: str, points: int, cause: Envelope, where: Where) -> None:
        """Issues `points` to `to`, no more than the daily cap leaves it on the cause's day."""
        rules = self.rules.current
        allowed = rules.capped(points, self.ledger.balances.earned_on(to, day_of(cause.time)))
        await self.ledger.issue(
            to,
            Unit.POINTS,
            allowed,
            cause_id=cause.id,
            cause_type=cause.type,
            at=cause.time,
            rule_version=rules.version,
            where=where,
        )
