"""Earning from a run of events at once (`Earning.on_events`, as the consumer hands them over)
against earning from them one at a time, on fakes of the service's ports: a redelivered event
posts nothing twice, and the daily cap counts what the run itself gives."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from contract.events import Envelope
from contract.events.needs import ClaimCompleted, ClaimData, NeedPosted, NeedPostedData
from contract.events.points import Unit
from contract.taxonomy import Category
from points.earning.needs import KnownNeed
from points.earning.service import Earning
from points.ledger.service import Ledger
from points.ledger.view import Balances
from points.rules.models import RuleSet
from points.rules.service import Rules

from .fakes import FakeMovements

RULES = RuleSet(version=1, made_at=datetime(2026, 1, 1, tzinfo=UTC), made_by="seed", daily_cap=200)
MORNING = datetime(2026, 6, 1, 2, tzinfo=UTC)  # 10:00 in the city


class FakeNeeds:
    def __init__(self) -> None:
        self.stored_by_id: dict[str, KnownNeed] = {}
        self.asked: list[str] = []  # the needs looked up

    async def remember(self, need: KnownNeed) -> None:
        self.stored_by_id[need.id] = need

    async def get(self, need_id: str) -> KnownNeed | None:
        self.asked.append(need_id)
        return self.stored_by_id.get(need_id)

    async def remember_many(self, needs: Sequence[KnownNeed]) -> None:
        for need in needs:
            self.stored_by_id.setdefault(need.id, need)

    async def get_many(self, need_ids: Collection[str]) -> dict[str, KnownNeed]:
        self.asked.extend(need_ids)
        return {i: self.stored_by_id[i] for i in need_ids if i in self.stored_by_id}


class FakeRules:
    def __init__(self, rules: RuleSet = RULES) -> None:
        self.rules = rules

    async def latest(self) -> RuleSet | None:
        return self.rules

    async def add(self, rules: RuleSet) -> bool:
        return False


class Parts:
    """The earning use cases on fakes of their ports, and the running balances."""

    def __init__(self) -> None:
        self.balances = Balances()
        self.movements = FakeMovements(self.balances)
        self.rules = Rules(FakeRules())
        self.earning = Earning(Ledger(self.movements, self.balances), self.rules, FakeNeeds())


async def service() -> tuple[Parts, FakeMovements]:
    parts = Parts()
    await parts.rules.load()
    return parts, parts.movements


def need_posted(need_id: str, poster: str) -> NeedPosted:
    starts = MORNING + timedelta(days=1)
    data = NeedPostedData(
        need_id=need_id,
        organization_id=poster,
        title="助老",
        category=Category.VOLUNTEERING,
        area_code="350121990001",
        quantity=10,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    return NeedPosted(source="needs", subject=need_id, data=data)


def completed(need_id: str, poster: str, member: str, served: int, at: datetime = MORNING) -> ClaimCompleted:
    claim_id = uuid4().hex
    data = ClaimData(
        claim_id=claim_id,
        need_id=need_id,
        need_organization_id=poster,
        organization_id="helpers",
        member_id=member,
        quantity=served,
        served=served,
    )
    return ClaimCompleted(source="needs", subject=need_id, time=at, data=data)


def history() -> tuple[list[Envelope], str]:
    """A need and five claims of one member on one day, 80 points each (the cap is 200), the
    second delivered twice; then one on the next day."""
    need_id, poster, member = uuid4().hex, "poster", uuid4().hex
    first, second, third, fourth = (completed(need_id, poster, member, 8) for _ in range(4))
    next_day = completed(need_id, poster, member, 8, at=MORNING + timedelta(days=1))
    return [need_posted(need_id, poster), first, second, second, third, fourth, next_day], f"member:{member}"


async def both_ways(events: Sequence[Envelope]) -> tuple[FakeMovements, FakeMovements]:
    """The movements of the events earned as a run, and of them earned one at a time."""
    at_once, by_run = await service()
    await at_once.earning.on_events(events)
    one_by_one, by_event = await service()
    for event in events:
        if isinstance(event, NeedPosted):
            await one_by_one.earning.on_need_posted(event)
        elif isinstance(event, ClaimCompleted):
            await one_by_one.earning.on_claim_completed(event)
    return by_run, by_event


class TestARunOfEvents:
    async def test_a_redelivered_event_posts_once_and_the_cap_counts_what_the_run_gives(self) -> None:
        parts, movements = await service()
        events, member = history()

        await parts.earning.on_events(events)

        points = sorted(
            m.amount for m in movements.stored_by_id.values() if m.to_account == member and m.unit is Unit.POINTS
        )
        assert points == [40, 80, 80, 80]  # 80 and 80, 40 to the cap, none for the fourth; 80 the next day
        assert parts.balances.balance(member, Unit.POINTS) == 200 + 80
        assert parts.balances.balance(member, Unit.MINUTES) == 5 * 8 * 120  # each claim's, once; never capped

    async def test_the_run_delivered_again_posts_nothing(self) -> None:
        parts, movements = await service()
        events, member = history()
        await parts.earning.on_events(events)
        stored = dict(movements.stored_by_id)

        await parts.earning.on_events(events)
        await parts.earning.on_events(list(reversed(events)))

        assert movements.stored_by_id == stored
        assert parts.balances.balance(member, Unit.POINTS) == 280

    async def test_one_at_a_time_earns_what_the_run_earns(self) -> None:
        events, _ = history()
        by_run, by_event = await both_ways(events)

        assert by_event.stored_by_id == by_run.stored_by_id


class TestClaimsThatDescribeTheirNeed:
    """A claim's event says what its need is (a need of an imported history was never posted):
    it earns by the need's category, window and place with no need looked up."""

    @staticmethod
    def described(served: int, need_id: str = "", title: str = "助老") -> ClaimCompleted:
        starts = MORNING - timedelta(days=30)
        claim = completed(need_id or uuid4().hex, "poster", uuid4().hex, served).data
        data = claim.model_copy(
            update={
                "title": title,
                "category": Category.VOLUNTEERING,
                "area_code": "350121990001",
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=90),
                "imported": True,
            }
        )
        return ClaimCompleted(source="needs", subject=claim.need_id, time=MORNING, data=data)

    async def earning(self) -> tuple[Earning, FakeMovements, FakeNeeds]:
        rules = Rules(FakeRules(RULES.model_copy(update={"category_multipliers": {Category.VOLUNTEERING: 1.5}})))
        await rules.load()
        balances, needs = Balances(), FakeNeeds()
        movements = FakeMovements(balances)
        return Earning(Ledger(movements, balances), rules, needs), movements, needs

    async def test_a_run_earns_by_what_the_claims_say_of_their_needs(self) -> None:
        earning, movements, needs = await self.earning()

        await earning.on_events([self.described(4), self.described(2)])

        earned = sorted((m.unit, m.amount, m.area_code, m.about) for m in movements.stored_by_id.values())
        place = ("350121990001", "助老")
        assert earned == [
            (Unit.MINUTES, 180, *place),
            (Unit.MINUTES, 360, *place),
            (Unit.POINTS, 30, *place),
            (Unit.POINTS, 60, *place),
        ]
        assert needs.asked == []

    async def test_one_alone_earns_the_same_with_no_need_looked_up(self) -> None:
        earning, movements, needs = await self.earning()

        await earning.on_claim_completed(self.described(4))

        assert sorted((m.unit, m.amount) for m in movements.stored_by_id.values()) == [
            (Unit.MINUTES, 360),
            (Unit.POINTS, 60),
        ]
        assert needs.asked == []

    async def test_a_claim_of_before_claims_described_their_need_still_looks_it_up(self) -> None:
        earning, _, needs = await self.earning()
        event = completed(uuid4().hex, "poster", uuid4().hex, 4)

        await earning.on_events([event])

        assert needs.asked == [event.data.need_id]

    async def test_each_claim_earns_by_what_it_says_in_a_run_as_alone(self) -> None:
        need_id = uuid4().hex
        events: list[Envelope] = [
            need_posted(need_id, "poster"),
            self.described(2, need_id, title="助老（改）"),  # the need's title edited since it was posted
            completed(need_id, "poster", uuid4().hex, 2),  # of before claims described their need
            self.described(2, need_id, title="助老（再改）"),
        ]
        by_run, by_event = await both_ways(events)

        assert by_event.stored_by_id == by_run.stored_by_id
        about = {m.cause_event_id: m.about for m in by_run.stored_by_id.values()}
        assert [about[e.id] for e in events[1:]] == ["助老（改）", "助老", "助老（再改）"]
