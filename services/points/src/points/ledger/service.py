"""The ledger's use cases: posting a movement once, and reading an account's balance and
postings (by the account's owner and the platform's and a city's administrators only)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta, timezone

from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events.points import Unit
from points.ledger.models import CITY, Movement, Where, is_account, movement_id
from points.ledger.repository import MovementRepository
from points.ledger.view import Balances
from runtime.actors import Actor, ActorKind

CITY_TIME = timezone(timedelta(hours=8))  # the day a daily cap counts is the city's


def day_of(at: datetime) -> str:
    return at.astimezone(CITY_TIME).date().isoformat()


class InsufficientBalance(Conflict):
    code = "insufficient_balance"


class Ledger:
    def __init__(self, movements: MovementRepository, balances: Balances) -> None:
        self.movements = movements
        self.balances = balances
        # a debit checks the balance, then stores: one at a time per account paying, so two
        # at once never both spend the same points
        self._paying: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def issue(self, movement: Movement) -> Movement | None:
        """Stores an issuing movement (made by `issuing`), once per cause, unit and receiver;
        None when it was moved already."""
        return movement if await self.movements.insert(movement) else None

    async def issue_many(self, movements: Sequence[Movement]) -> list[Movement]:
        """Stores issuing movements (made by `issuing`) at once; those stored already are skipped.
        Answers those stored now."""
        return await self.movements.insert_many(movements)

    async def stored(self, movement_ids: Collection[str]) -> set[str]:
        """Which of the movements are stored already: a redelivered event's."""
        return await self.movements.stored(movement_ids)

    async def move(
        self,
        from_account: str,
        to_account: str,
        unit: Unit,
        amount: int,
        *,
        cause_id: str,
        cause_type: str,
        at: datetime,
        rule_version: int = 0,
        overdraft: int = 0,
        where: Where | None = None,
    ) -> Movement | None:
        """Moves `amount` between two accounts, once per cause, unit and receiver, never taking
        `from_account` below `-overdraft` (Conflict `insufficient_balance`); None when it was moved
        already (a move delivered again is not refused for the balance it already took). The
        city's issuing account alone has no floor."""
        if amount <= 0:
            raise Unprocessable("an amount moved is at least 1", field="amount")
        movement = _movement(from_account, to_account, unit, amount, cause_id, cause_type, at, rule_version, where)
        if from_account == CITY:
            return movement if await self.movements.insert(movement) else None
        async with self._paying[from_account]:
            held = self.balances.balance(from_account, unit)
            if held - amount < -overdraft and not await self.movements.exists(movement.id):
                raise InsufficientBalance(f"{from_account} holds {held} {unit.value}, not {amount}", balance=held)
            return movement if await self.movements.insert(movement) else None

    async def moved(self, cause_id: str, unit: Unit, to_account: str) -> bool:
        """Whether the movement of `unit` to `to_account` for that cause was made (a use case
        that moves in several steps asks, after a crash, how far it got)."""
        return await self.movements.exists(movement_id(cause_id, unit, to_account))

    def balance(self, account: str, actor: Actor, *, consented: bool = False) -> dict[str, object]:
        """An account's points and minutes: for whoever may read the account, and for an
        organisation the account's owner consented to show its balance to (`consented`)."""
        if not consented:
            may_read(account, actor)
        elif not is_account(account):
            raise NotFound(f"no account {account!r}")
        return {"account": account, **{unit.value: self.balances.balance(account, unit) for unit in Unit}}

    async def postings(self, account: str, actor: Actor, *, before: str | None, limit: int) -> list[Movement]:
        may_read(account, actor)
        return await self.movements.of_account(account, before=before, limit=limit)


def issuing(
    to_account: str,
    unit: Unit,
    amount: int,
    *,
    cause_id: str,
    cause_type: str,
    at: datetime,
    rule_version: int,
    where: Where | None = None,
) -> Movement:
    """The movement `Ledger.issue` would store: `amount` (> 0) from the city's issuing account."""
    return _movement(CITY, to_account, unit, amount, cause_id, cause_type, at, rule_version, where)


def _movement(
    from_account: str,
    to_account: str,
    unit: Unit,
    amount: int,
    cause_id: str,
    cause_type: str,
    at: datetime,
    rule_version: int,
    where: Where | None,
) -> Movement:
    return Movement(
        id=movement_id(cause_id, unit, to_account),
        from_account=from_account,
        to_account=to_account,
        unit=unit,
        amount=amount,
        cause_event_id=cause_id,
        cause_type=cause_type,
        rule_version=rule_version,
        at=at,
        day=day_of(at),
        **(where.model_dump() if where else {}),
    )


def may_read(account: str, actor: Actor) -> None:
    """An account is read by its owner (the organisation, the member, the resident) and by the
    platform's and a city's administrators; Forbidden for anyone else."""
    if not is_account(account):
        raise NotFound(f"no account {account!r}")
    if actor.kind is ActorKind.PLATFORM or actor.runs_a_city:
        return
    kind, _, owner = account.partition(":")
    owns = {
        "organization": actor.is_organization(owner),
        "member": actor.member_id is not None and actor.member_id == owner,
        "resident": actor.kind is ActorKind.RESIDENT and actor.resident_id == owner,
    }
    if not owns.get(kind, False):
        raise Forbidden("an account is read by its owner and the city's administrators only", account=account)
