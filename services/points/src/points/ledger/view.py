"""The running balances: every account's figure per unit, and what each account earned in points
each day (for the daily cap), kept in memory from the stored movements and each new one."""

from __future__ import annotations

from collections import defaultdict

from contract.events.points import Unit
from points.ledger.models import Movement


class Balances:
    def __init__(self) -> None:
        self._balance: defaultdict[tuple[str, Unit], int] = defaultdict(int)
        self._earned: defaultdict[tuple[str, str], int] = defaultdict(int)

    def put(self, movement: Movement) -> None:
        """Counts a movement stored (at start, or just inserted): both its postings."""
        for posting in movement.postings:
            self._balance[posting.account, movement.unit] += posting.amount
        if movement.unit is Unit.POINTS:
            self._earned[movement.to_account, movement.day] += movement.amount

    def balance(self, account: str, unit: Unit) -> int:
        return self._balance.get((account, unit), 0)

    def earned_on(self, account: str, day: str) -> int:
        """The points `account` received on `day`."""
        return self._earned.get((account, day), 0)
