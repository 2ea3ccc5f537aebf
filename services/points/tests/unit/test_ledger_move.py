"""Moving between two accounts: never below the payer's floor even when payments race, once per
cause, and the issuing account alone without a floor. The repository is a fake of our own port,
slow on purpose so that racing payments overlap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from contract.errors import Unprocessable
from contract.events.points import Unit
from points.ledger.models import CITY, Movement
from points.ledger.service import InsufficientBalance, Ledger, issuing
from points.ledger.view import Balances

from .fakes import FakeMovements

AT = datetime(2026, 12, 5, 9, tzinfo=UTC)


@pytest.fixture
def ledger() -> Ledger:
    balances = Balances()
    return Ledger(FakeMovements(balances, delay=0.01), balances)


async def pay(ledger: Ledger, cause: str, amount: int = 60, overdraft: int = 0) -> Movement | None:
    return await ledger.move(
        "member:m1", "shop:s1", Unit.POINTS, amount, cause_id=cause, cause_type="test", at=AT, overdraft=overdraft
    )


async def test_two_payments_at_once_from_points_for_one_pay_once(ledger: Ledger) -> None:
    await ledger.issue(
        issuing("member:m1", Unit.POINTS, 100, cause_id="earned", cause_type="test", at=AT, rule_version=1)
    )

    results = await asyncio.gather(pay(ledger, "order-1"), pay(ledger, "order-2"), return_exceptions=True)

    assert sum(isinstance(r, Movement) for r in results) == 1
    assert sum(isinstance(r, InsufficientBalance) for r in results) == 1
    assert ledger.balances.balance("member:m1", Unit.POINTS) == 40
    assert ledger.balances.balance("shop:s1", Unit.POINTS) == 60


async def test_the_same_cause_moves_once_and_an_overdraft_is_a_floor(ledger: Ledger) -> None:
    assert await pay(ledger, "order-1", overdraft=100) is not None
    assert await pay(ledger, "order-1", overdraft=100) is None  # delivered again: nothing more
    with pytest.raises(InsufficientBalance):
        await pay(ledger, "order-2", overdraft=100)  # -60 - 60 is below -100
    assert ledger.balances.balance("member:m1", Unit.POINTS) == -60


async def test_the_city_issues_without_a_floor_and_nothing_moves_for_nothing(ledger: Ledger) -> None:
    await ledger.move(CITY, "area:350121990001", Unit.MINUTES, 600, cause_id="grant", cause_type="test", at=AT)
    assert ledger.balances.balance(CITY, Unit.MINUTES) == -600
    with pytest.raises(Unprocessable, match="at least 1"):
        await pay(ledger, "order-3", amount=0)
