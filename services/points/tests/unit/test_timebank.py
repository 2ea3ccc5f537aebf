"""The time bank's use cases on fakes of their ports: minutes held at once and never below the
floor, paid out once whatever races, and each move for its own person only."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from contract.bodies.points import AskCreate, GrantCreate
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events.points import Unit
from points.ledger.service import Ledger
from points.ledger.view import Balances
from points.timebank.models import HELD, Ask, AskStatus, Grant
from points.timebank.service import Timebank
from runtime.actors import Actor, ActorKind

from .fakes import FakeMovements

COMMUNITY = "350121990001"
NOW = datetime(2026, 12, 5, 10, tzinfo=UTC)
ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)


class FakeStore:
    def __init__(self) -> None:
        self.stored: dict[str, Ask] = {}
        self.given: list[Grant] = []
        self.overdrafts: dict[str, int] = {}

    async def insert_ask(self, ask: Ask) -> None:
        self.stored[ask.id] = ask

    async def save_ask(self, ask: Ask, *, was: AskStatus) -> bool:
        if self.stored[ask.id].status is not was:
            return False
        self.stored[ask.id] = ask
        return True

    async def ask(self, ask_id: str) -> Ask | None:
        return self.stored.get(ask_id)

    async def forget_ask(self, ask_id: str) -> None:
        if self.stored[ask_id].status is AskStatus.HOLDING:
            del self.stored[ask_id]

    async def holding(self, before: datetime) -> list[Ask]:
        return [a for a in self.stored.values() if a.status is AskStatus.HOLDING and a.asked_at < before]

    async def asks(self, *, status: AskStatus | None, area_prefix: str | None, limit: int) -> list[Ask]:
        return [a for a in self.stored.values() if status in (None, a.status)][:limit]

    async def asks_of(self, account: str, limit: int) -> list[Ask]:
        mine = [a for a in self.stored.values() if account in (a.asker, a.taker) and a.status is not AskStatus.HOLDING]
        return mine[:limit]

    async def insert_grant(self, grant: Grant) -> None:
        self.given.append(grant)

    async def grants(self, area_prefix: str, limit: int) -> list[Grant]:
        return self.given[:limit]

    async def overdraft(self, area_code: str) -> int:
        return self.overdrafts.get(area_code, 0)

    async def set_overdraft(self, area_code: str, minutes: int) -> None:
        self.overdrafts[area_code] = minutes


@pytest.fixture
def bank() -> Timebank:
    balances = Balances()
    return Timebank(Ledger(FakeMovements(balances), balances), FakeStore())


def resident(name: str) -> Actor:
    return Actor(kind=ActorKind.RESIDENT, resident_id=name, area_code=COMMUNITY)


def minutes(bank: Timebank, account: str) -> int:
    return bank.ledger.balances.balance(account, Unit.MINUTES)


def asking(amount: int, when: datetime = NOW + timedelta(days=1)) -> AskCreate:
    return AskCreate(what="陪同就医", when=when, minutes=amount)


async def granted(bank: Timebank, person: str, amount: int) -> None:
    body = GrantCreate(account=f"resident:{person}", minutes=amount, reason="高龄", area_code=COMMUNITY)
    await bank.grant(ADMIN, body, NOW)


class TestAnAsk:
    async def test_holds_its_minutes_and_is_refused_past_the_floor_with_nothing_stored(self, bank: Timebank) -> None:
        await granted(bank, "elder", 60)
        made = await bank.ask(resident("elder"), asking(45), NOW)
        assert (minutes(bank, "resident:elder"), minutes(bank, made.hold)) == (15, 45)
        with pytest.raises(Conflict):
            await bank.ask(resident("elder"), asking(30), NOW)
        assert len(await bank.mine(resident("elder"), 10)) == 1

    async def test_may_go_as_far_below_zero_as_the_community_allows(self, bank: Timebank) -> None:
        with pytest.raises(Forbidden):
            await bank.set_overdraft(resident("elder"), COMMUNITY, 30)
        await bank.set_overdraft(ADMIN, COMMUNITY, 30)
        await bank.ask(resident("elder"), asking(30), NOW)
        assert minutes(bank, "resident:elder") == -30
        with pytest.raises(Conflict):
            await bank.ask(resident("elder"), asking(1), NOW)

    @pytest.mark.parametrize("when", [NOW - timedelta(hours=2), NOW + timedelta(days=400)])
    async def test_is_for_a_time_within_the_coming_year(self, bank: Timebank, when: datetime) -> None:
        await granted(bank, "elder", 60)
        with pytest.raises(Unprocessable):
            await bank.ask(resident("elder"), asking(10, when), NOW)
        assert minutes(bank, "resident:elder") == 60

    async def test_confirmed_and_cancelled_at_once_pays_out_once(self, bank: Timebank) -> None:
        await granted(bank, "elder", 60)
        made = await bank.ask(resident("elder"), asking(60), NOW)
        await bank.take(resident("helper"), made.id, "小李", NOW)
        results = await asyncio.gather(
            bank.confirm(resident("elder"), made.id, NOW),
            bank.cancel(resident("elder"), made.id, NOW),
            return_exceptions=True,
        )
        assert sorted(type(r).__name__ for r in results) == ["Ask", "Conflict"]
        paid = (minutes(bank, "resident:helper"), minutes(bank, "resident:elder"), minutes(bank, made.hold))
        assert paid in ((60, 0, 0), (0, 60, 0))

    async def test_is_taken_by_someone_else_and_closed_by_its_asker_only(self, bank: Timebank) -> None:
        await granted(bank, "elder", 60)
        made = await bank.ask(resident("elder"), asking(20), NOW)
        with pytest.raises(Conflict):
            await bank.take(resident("elder"), made.id, "", NOW)
        await bank.take(resident("helper"), made.id, "", NOW)
        with pytest.raises(Conflict):
            await bank.take(resident("other"), made.id, "", NOW)
        with pytest.raises(Forbidden):
            await bank.confirm(resident("helper"), made.id, NOW)
        with pytest.raises(Forbidden):
            await bank.ask(Actor(kind=ActorKind.ORGANIZATION, organization_id="o1"), asking(5), NOW)


class TestAnAskACrashStopped:
    """A crash between an ask's steps leaves it holding: at the next start or sweep, one whose
    minutes were held opens, one whose were not is forgotten, and the minutes move once."""

    async def stopped(self, bank: Timebank, *, held: bool) -> Ask:
        await granted(bank, "elder", 60)
        ask = Ask(
            id="a" * 32,
            asker="resident:elder",
            name="王阿姨",
            what="陪同就医",
            when=NOW + timedelta(days=1),
            minutes=45,
            area_code=COMMUNITY,
            status=AskStatus.HOLDING,
            asked_at=NOW,
        )
        await bank.store.insert_ask(ask)
        if held:  # the crash came after the minutes moved, before the ask opened
            await bank.ledger.move(ask.asker, ask.hold, Unit.MINUTES, 45, cause_id=ask.id, cause_type=HELD, at=NOW)
        return ask

    async def test_opens_when_its_minutes_were_held(self, bank: Timebank) -> None:
        ask = await self.stopped(bank, held=True)
        assert await bank.open_asks(resident("helper"), COMMUNITY, 10) == []
        with pytest.raises(NotFound):
            await bank.take(resident("helper"), ask.id, "小李", NOW)

        assert await bank.reconcile(holding_before=NOW + timedelta(minutes=5)) == 1
        assert [a.id for a in await bank.open_asks(resident("helper"), COMMUNITY, 10)] == [ask.id]
        assert (minutes(bank, "resident:elder"), minutes(bank, ask.hold)) == (15, 45)
        assert await bank.reconcile(holding_before=NOW + timedelta(minutes=5)) == 0

    async def test_is_forgotten_when_its_minutes_were_not(self, bank: Timebank) -> None:
        ask = await self.stopped(bank, held=False)
        assert await bank.reconcile(holding_before=NOW + timedelta(minutes=5)) == 1
        assert await bank.store.ask(ask.id) is None and minutes(bank, "resident:elder") == 60

    async def test_one_a_request_is_still_making_is_left_alone(self, bank: Timebank) -> None:
        ask = await self.stopped(bank, held=True)
        bank._running.add(ask.id)
        assert await bank.reconcile(holding_before=NOW + timedelta(minutes=5)) == 0
