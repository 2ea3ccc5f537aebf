"""The red mailbox's rules, on fakes of its ports: who may put a concern in, answer and rate it;
the time to reply in working days; escalation community → street → district; the figures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cobuilding.clock import CST, Clock, working_days_after
from cobuilding.concerns.service import Concerns
from cobuilding.concerns.view import ConcernTallies
from contract.bodies.cobuilding import ConcernCreate, ConcernRating, ConcernReply
from contract.errors import Conflict, Forbidden, NotFound, Unprocessable
from contract.events.cobuilding import ConcernLevel, ConcernStatus
from runtime.actors import Actor, ActorKind

from .fakes import FakeConcerns, FakePhotos

COMMUNITY, NEIGHBOURS = "350102001001", "350102001002"
BUILDING = COMMUNITY + "01001"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def resident(number: int = 1, area_code: str = BUILDING) -> Actor:
    return Actor(kind=ActorKind.RESIDENT, resident_id=f"{number:032x}", area_code=area_code)


def admin(area_code: str) -> Actor:
    return Actor(kind=ActorKind.AREA_ADMIN, area_code=area_code)


def make(days: int = 3) -> tuple[Concerns, FakeConcerns, Clock]:
    tallies, clock = ConcernTallies(), Clock()
    repo = FakeConcerns(read_model=tallies.put)  # the repository keeps the figures' tallies, as in the service
    return (
        Concerns(
            repo, tallies, FakePhotos(), clock, reply_working_days=days, photos_per_concern=2, max_photo_bytes=1000
        ),
        repo,
        clock,
    )


def said(title: str = "楼道灯坏了", **fields: object) -> ConcernCreate:
    return ConcernCreate.model_validate({"title": title, "text": "三天没亮了", **fields})


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        ("2026-12-04T10:00", "2026-12-09T10:00"),  # Friday → Wednesday
        ("2026-12-05T10:00", "2026-12-09T10:00"),  # Saturday → Wednesday, the weekend not counted
        ("2026-12-07T23:30", "2026-12-10T23:30"),  # Monday → Thursday
    ],
)
def test_the_time_to_reply_counts_working_days_in_china_standard_time(submitted: str, due: str) -> None:
    start = datetime.fromisoformat(submitted).replace(tzinfo=CST)
    assert working_days_after(start, 3) == datetime.fromisoformat(due).replace(tzinfo=CST)


async def test_a_resident_puts_a_concern_in_and_their_community_must_answer_it_in_time() -> None:
    concerns, repo, _ = make()
    concern = await concerns.submit(said(phone="13800138000"), resident())
    assert (concern.area_code, concern.handler, concern.level) == (BUILDING, COMMUNITY, ConcernLevel.COMMUNITY)
    assert concern.due_at == working_days_after(concern.submitted_at, 3)
    assert repo.types() == ["concern.submitted"]
    assert [s.what for s in concern.steps] == ["submitted"]
    assert (await concerns.get(concern.id, admin(COMMUNITY))).phone == "13800138000"  # those who handle it
    for outsider in (resident(2), admin(NEIGHBOURS), Actor(kind=ActorKind.ORGANIZATION, organization_id="a" * 32)):
        with pytest.raises(NotFound):
            await concerns.get(concern.id, outsider)


@pytest.mark.parametrize(
    ("body", "actor", "refusal"),
    [
        ({"resident_id": "2" * 32}, resident(), Forbidden),  # for someone else
        ({"area_code": NEIGHBOURS}, resident(), Forbidden),  # about another community
        ({}, resident(area_code="350102001"), Unprocessable),  # a resident known only by their street
        ({"area_code": COMMUNITY}, admin(COMMUNITY), Unprocessable),  # a grid worker naming no one
        ({"area_code": NEIGHBOURS, "resident_name": "王阿姨"}, admin(COMMUNITY), Forbidden),  # not their area
        ({}, Actor(kind=ActorKind.ORGANIZATION, organization_id="a" * 32), Forbidden),
        ({}, Actor(kind=ActorKind.PLATFORM), Forbidden),
    ],
)
async def test_who_may_put_a_concern_in(body: dict[str, str], actor: Actor, refusal: type[Exception]) -> None:
    concerns, repo, _ = make()
    with pytest.raises(refusal):
        await concerns.submit(said(**body), actor)
    assert repo.saved == {}


async def test_a_grid_worker_puts_one_in_for_a_resident_of_their_grid() -> None:
    concerns, _, _ = make()
    concern = await concerns.submit(said(area_code=BUILDING, resident_name="王阿姨"), admin(COMMUNITY + "01"))
    assert (concern.submitted_by, concern.resident_name, concern.handler) == (COMMUNITY + "01", "王阿姨", COMMUNITY)


async def test_unanswered_it_goes_up_to_the_street_then_the_district_and_stays_there() -> None:
    concerns, repo, clock = make()
    concern = await concerns.submit(said(), resident())
    assert await concerns.sweep() == 0
    clock.advance(timedelta(days=5, minutes=1))  # three working days, however the weekend falls
    assert await concerns.sweep() == 1
    escalated = await concerns.get(concern.id, resident())
    assert (escalated.level, escalated.handler) == (ConcernLevel.STREET, COMMUNITY[:9])
    assert escalated.due_at == working_days_after(escalated.steps[-1].at, 3)  # its own time again
    assert await concerns.sweep() == 0  # not due again yet
    clock.advance(timedelta(days=5, minutes=1))
    assert await concerns.sweep() == 1
    clock.advance(timedelta(days=5, minutes=1))
    assert await concerns.sweep() == 0  # the district is the last level
    last = await concerns.get(concern.id, resident())
    assert (last.level, last.handler) == (ConcernLevel.DISTRICT, COMMUNITY[:6])
    assert [s.what for s in last.steps] == ["submitted", "escalated", "escalated"]
    assert repo.types() == ["concern.submitted", "concern.escalated", "concern.escalated"]

    answered = await concerns.reply(concern.id, ConcernReply(text="区里协调解决"), admin(COMMUNITY[:6]))
    assert (answered.status, answered.in_time) == (ConcernStatus.REPLIED, False)


async def test_the_community_replies_and_the_resident_rates_once() -> None:
    concerns, repo, _ = make()
    concern = await concerns.submit(said(), resident())
    with pytest.raises(Forbidden, match="community"):  # outside its community: refused, saying why
        await concerns.reply(concern.id, ConcernReply(text="不归我们"), admin(NEIGHBOURS))
    with pytest.raises(Forbidden):
        await concerns.reply(concern.id, ConcernReply(text="我自己答"), resident())
    with pytest.raises(Conflict):  # nothing to rate before the reply
        await concerns.rate(concern.id, ConcernRating(stars=5), resident())
    answered = await concerns.reply(concern.id, ConcernReply(text="已联系物业修好"), admin(COMMUNITY))
    assert (answered.status, answered.in_time, answered.steps[-1].by) == (ConcernStatus.REPLIED, True, COMMUNITY)
    with pytest.raises(Conflict):  # answered once
        await concerns.reply(concern.id, ConcernReply(text="again"), admin(COMMUNITY))
    with pytest.raises(Forbidden):
        await concerns.rate(concern.id, ConcernRating(stars=1), admin(COMMUNITY))
    rated = await concerns.rate(concern.id, ConcernRating(stars=5, comment="很快"), resident())
    assert (rated.status, rated.stars) == (ConcernStatus.RATED, 5)
    with pytest.raises(Conflict):
        await concerns.rate(concern.id, ConcernRating(stars=1), resident())
    assert repo.types() == ["concern.submitted", "concern.replied", "concern.rated"]


async def test_an_answer_after_the_time_to_reply_is_not_in_time_though_not_yet_escalated() -> None:
    concerns, _, clock = make()
    concern = await concerns.submit(said(), resident())
    clock.advance(timedelta(days=6))
    answered = await concerns.reply(concern.id, ConcernReply(text="晚了"), admin(COMMUNITY))
    assert answered.in_time is False


async def test_photos_by_who_put_it_in_while_it_waits() -> None:
    concerns, _, _ = make()
    concern = await concerns.submit(said(), resident())
    with pytest.raises(Unprocessable, match="JPEG"):
        await concerns.add_photo(concern.id, b"<svg/>", resident())
    with pytest.raises(Unprocessable, match="bytes"):
        await concerns.add_photo(concern.id, PNG + b"0" * 1000, resident())
    with pytest.raises(Forbidden):
        await concerns.add_photo(concern.id, PNG, admin(COMMUNITY))
    await concerns.add_photo(concern.id, PNG, resident())
    await concerns.add_photo(concern.id, PNG, resident())  # the same photo once
    shown = await concerns.add_photo(concern.id, PNG + b"1", resident())
    assert len(shown.photos) == 2
    with pytest.raises(Conflict):
        await concerns.add_photo(concern.id, PNG + b"2", resident())
    assert await concerns.photo(concern.id, shown.photos[0], admin(COMMUNITY)) == (PNG, "image/png")
    with pytest.raises(NotFound):
        await concerns.photo(concern.id, shown.photos[0], resident(2))


async def test_figures_per_community_of_the_administrators_area() -> None:
    concerns, _, clock = make()
    first = await concerns.submit(said(), resident(1))
    late = await concerns.submit(said(), resident(2))
    await concerns.submit(said(), resident(3, NEIGHBOURS))
    await concerns.reply(first.id, ConcernReply(text="好"), admin(COMMUNITY))
    await concerns.rate(first.id, ConcernRating(stars=4), resident(1))
    clock.advance(timedelta(days=6))
    await concerns.sweep()
    await concerns.reply(late.id, ConcernReply(text="街道来办"), admin(COMMUNITY[:9]))
    await concerns.rate(late.id, ConcernRating(stars=2), resident(2))
    [ours, theirs] = await concerns.figures(admin(COMMUNITY[:9]), None)
    assert ours.model_dump() == {
        "community": COMMUNITY,
        "received": 2,
        "answered": 2,
        "in_time": 1,
        "escalated": 1,
        "rated": 2,
        "stars": 6,
        "satisfied": 1,
        "average_stars": 3.0,
        "satisfaction": 0.5,
    }
    assert (theirs.community, theirs.received, theirs.answered, theirs.escalated) == (NEIGHBOURS, 1, 0, 1)
    assert [f.community for f in await concerns.figures(admin(COMMUNITY), None)] == [COMMUNITY]
    with pytest.raises(Forbidden):
        await concerns.figures(admin(COMMUNITY), NEIGHBOURS)
    with pytest.raises(Forbidden):
        await concerns.figures(resident(), None)


async def test_lists_are_the_residents_own_and_the_administrators_area() -> None:
    concerns, _, _ = make()
    mine = await concerns.submit(said(), resident(1))
    theirs = await concerns.submit(said(), resident(2, NEIGHBOURS))
    assert [c.id for c in await concerns.page(resident(1), status=None, area_code=None, after=None, limit=50)] == [
        mine.id
    ]
    street = await concerns.page(admin(COMMUNITY[:9]), status=None, area_code=None, after=None, limit=50)
    assert {c.id for c in street} == {mine.id, theirs.id}
    one = await concerns.page(admin(COMMUNITY[:9]), status=None, area_code=NEIGHBOURS, after=None, limit=50)
    assert [c.id for c in one] == [theirs.id]
    assert [c.id for c in await concerns.page(admin(COMMUNITY), status=None, area_code=None, after=None, limit=50)] == [
        mine.id
    ]
    with pytest.raises(Forbidden):
        await concerns.page(
            Actor(kind=ActorKind.ORGANIZATION, organization_id="a" * 32),
            status=None,
            area_code=None,
            after=None,
            limit=50,
        )
