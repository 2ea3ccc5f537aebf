"""The standings' use cases: leaderboards of any area and period (public; a member is named by
id only, the portal decides who sees names), and the annual assessment of members (for the
administrators of an area and the organisations themselves)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from contract.errors import Forbidden, Unprocessable
from contract.events.points import Unit
from points.boards.view import ALL_TIME, EVERYWHERE, Standings, area_key
from points.ledger.service import CITY_TIME
from runtime.actors import Actor, ActorKind


class Period(StrEnum):
    MONTH = "month"
    YEAR = "year"
    ALL = "all"


class Ranked(StrEnum):
    ORGANIZATION = "organization"
    MEMBER = "member"


OF = {Period.MONTH: re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$"), Period.YEAR: re.compile(r"^[0-9]{4}$")}


OWN = "an organisation's assessment is for the organisation itself and its area's administrators"


class Memberships(Protocol):
    async def members_of(self, organization_ids: set[str] | None) -> dict[str, list[str]]: ...


def hours(minutes: int) -> str:
    """Minutes as hours and minutes, `h:mm`, as an assessment shows them."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def which(period: Period, of: str | None) -> str:
    """The period's key: `of` when it names one of its kind (`2026-12`, `2026`), else the current one."""
    if period is Period.ALL:
        return ALL_TIME
    if of is None:
        today = datetime.now(UTC).astimezone(CITY_TIME).date().isoformat()
        return today[:7] if period is Period.MONTH else today[:4]
    if not OF[period].match(of):
        example = "2026-12" if period is Period.MONTH else "2026"
        raise Unprocessable(f"a {period.value} is written {example}", field="of")
    return of


class Boards:
    def __init__(self, standings: Standings, memberships: Memberships) -> None:
        self.standings = standings
        self.memberships = memberships

    def leaderboard(
        self, *, area_code: str | None, period: Period, of: str | None, kind: Ranked, unit: Unit, limit: int
    ) -> dict[str, Any]:
        """Who received the most of `unit` for work done in the area (a member: where the work
        was done; an organisation: where it is registered) in the period, the most first; equal
        amounts share a rank. Members by id only."""
        key, when = area_key(area_code), which(period, of)
        rank = self.standings.members if kind is Ranked.MEMBER else self.standings.organizations
        items, place, last = [], 0, None
        for position, (owner, amount) in enumerate(rank(key, when, unit, limit), start=1):
            if amount != last:
                place, last = position, amount
            items.append({"rank": place, f"{kind.value}_id": owner, unit.value: amount})
        return {
            "area_code": area_code,
            "period": period.value,
            "of": when,
            "kind": kind.value,
            "unit": unit.value,
            "items": items,
        }

    async def assessment(
        self, actor: Actor, *, year: int | None, area_code: str | None, organization_id: str | None
    ) -> dict[str, Any]:
        """Each member's year: points, hours, claims completed and activities attended, the most
        points first. An organisation (not one of its members) sees its own members; an area's
        administrator the members of the organisations registered in their area (or in a node
        below it they name); the platform any."""
        when = str(year) if year is not None else which(Period.YEAR, None)
        organizations, area_code, organization_id = self._scope(actor, area_code, organization_id)
        known = await self.memberships.members_of(organizations)
        through = self.standings.organizations_in(EVERYWHERE) if organizations is None else organizations
        members = set(known) | self.standings.worked_through(through, when)
        rows: list[dict[str, Any]] = []
        for member in members:
            figures = self.standings.year(member, when)
            rows.append(
                {
                    "member_id": member,
                    "organization_ids": sorted(known.get(member, [])),
                    "points": figures.points,
                    "minutes": figures.minutes,
                    "hours": hours(figures.minutes),
                    "claims_completed": len(figures.claims),
                    "activities_attended": len(figures.attended),
                }
            )
        rows.sort(key=lambda row: (-row["points"], -row["minutes"], row["member_id"]))
        return {"year": when, "area_code": area_code, "organization_id": organization_id, "items": rows}

    def _scope(
        self, actor: Actor, area_code: str | None, organization_id: str | None
    ) -> tuple[set[str] | None, str | None, str | None]:
        """The organisations whose members an assessment covers (None: every one), with the
        area and organisation it is of; Forbidden for anyone else."""
        if actor.kind is ActorKind.ORGANIZATION:
            if actor.member_id is not None or organization_id not in (None, actor.organization_id):
                raise Forbidden(OWN)
            organization_id = actor.organization_id
        if organization_id is not None:
            if actor.kind is ActorKind.AREA_ADMIN:
                where = self.standings.area_of(organization_id)
                if where is None or not actor.administers(where):
                    raise Forbidden(OWN, organization_id=organization_id)
            elif actor.kind is not ActorKind.PLATFORM and not actor.is_organization(organization_id):
                raise Forbidden(OWN)
            return {organization_id}, None, organization_id
        if actor.kind is ActorKind.AREA_ADMIN:
            area_code = area_code or actor.area_code
            if area_code is None or not actor.administers(area_code):
                raise Forbidden("an area's assessment is for its administrators", area_code=area_code)
        elif actor.kind is not ActorKind.PLATFORM:
            raise Forbidden("an assessment is for the administrators of an area or of an organisation")
        if area_code is None:
            return None, None, None
        return self.standings.organizations_in(area_key(area_code)), area_code, None
