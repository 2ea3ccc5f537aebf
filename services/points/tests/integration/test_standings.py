"""The standings on the real Kafka and FerretDB: leaderboards of a community, street and
district for a month, a year and all time (members where the work was done, organisations where
they are registered), and the annual assessment of an organisation's members, refused to those
it is not for."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from pymongo import AsyncMongoClient

from contract.events import MEMBERS_TOPIC, NEEDS_TOPIC, ORGANIZATIONS_TOPIC, Envelope
from contract.events.needs import ClaimCompleted, ClaimData, NeedPosted, NeedPostedData
from contract.events.organizations import (
    MemberJoined,
    MemberJoinedData,
    OrganizationKind,
    OrganizationRegistered,
    OrganizationRegisteredData,
    OrganizationStatus,
    OrganizationUpdated,
    OrganizationUpdatedData,
)
from contract.taxonomy import Category
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, organization, send_raw, wait_consumed
from points.boards.organizations import PlacedOrganizations
from points.boards.view import Standings
from runtime.actors import Actor, ActorKind
from runtime.kafka import encode
from runtime.memberships import Memberships
from runtime.mongo import Document

pytestmark = pytest.mark.stack

DISTRICT = "350126"  # each test takes streets of its own below it
_streets = itertools.count(100 + uuid4().int % 700)
CITY_TIME_ZONE = 8


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def new_id() -> str:
    return uuid4().hex


def new_street() -> str:
    return f"{DISTRICT}{next(_streets):03d}"


def this_month_start() -> datetime:
    """Noon of the city's first day of this month."""
    city_today = (datetime.now(UTC) + timedelta(hours=CITY_TIME_ZONE)).date()
    return datetime.combine(city_today.replace(day=1), time(12), UTC)


def registered(organization_id: str, area_code: str) -> OrganizationRegistered:
    data = OrganizationRegisteredData(
        organization_id=organization_id, name="积分测试组织", kind=OrganizationKind.BRANCH, area_code=area_code
    )
    return OrganizationRegistered(source="organizations", subject=organization_id, data=data)


def joined(member_id: str, organization_id: str) -> MemberJoined:
    data = MemberJoinedData(member_id=member_id, organization_id=organization_id, roles=["member"])
    return MemberJoined(source="organizations", subject=member_id, data=data)


def need_in(area_code: str, poster: str, hours: float | None = None) -> NeedPosted:
    need_id = new_id()
    starts = datetime.now(UTC) + timedelta(days=1)
    window = {"starts_at": starts, "ends_at": starts + timedelta(hours=hours)} if hours else {}
    data = NeedPostedData(
        need_id=need_id,
        organization_id=poster,
        title="助老",
        category=Category.VOLUNTEERING,
        area_code=area_code,
        quantity=10,
        **window,
    )
    return NeedPosted(source="needs", subject=need_id, data=data)


def done(
    need: NeedPosted, claimer: str, served: int, member_id: str | None = None, at: datetime | None = None
) -> ClaimCompleted:
    claim_id = new_id()
    data = ClaimData(
        claim_id=claim_id,
        need_id=need.data.need_id,
        need_organization_id=need.data.organization_id,
        organization_id=claimer,
        member_id=member_id,
        quantity=served,
        served=served,
    )
    return ClaimCompleted(source="needs", subject=claim_id, data=data, time=at or datetime.now(UTC))


async def deliver(stack: TestStack, *events: Envelope, topic: str = NEEDS_TOPIC) -> None:
    sent = await send_raw(stack.kafka, stack.topic(topic), [encode(e) for e in events])
    await wait_consumed(stack.kafka, stack.group("points"), sent)


async def board(api: PlatformApi, **asked: Any) -> list[dict[str, Any]]:
    answer: dict[str, Any] = await api.get("points", "/leaderboard", **asked)
    return list(answer["items"])


class TestLeaderboards:
    async def test_rank_members_where_they_served_and_organisations_where_they_are_registered_by_period(
        self, api: PlatformApi, stack: TestStack
    ) -> None:
        rules = await api.get("points", "/rules")
        each = rules["points_per_person_time"]
        street = new_street()
        home, next_door = f"{street}001", f"{street}002"
        helper, neighbour, poster = new_id(), new_id(), new_id()
        await deliver(
            stack, registered(helper, home + "01"), registered(neighbour, next_door), topic=ORGANIZATIONS_TOPIC
        )
        here, there = need_in(home, poster), need_in(next_door, poster)
        await deliver(stack, here, there)
        served_here, served_there, served_before = new_id(), new_id(), new_id()
        last_month = this_month_start() - timedelta(days=3)
        await deliver(
            stack,
            done(here, neighbour, 3, member_id=served_here),  # a member of the next door's organisation, serving here
            done(there, helper, 1, member_id=served_there),
            done(here, helper, 2, member_id=served_before, at=last_month),
            done(there, helper, 4),  # the organisation itself, next door: it counts where it is registered
        )

        month = await board(api, area_code=home, period="month", kind="member")
        assert month == [{"rank": 1, "member_id": served_here, "points": 3 * each}]
        assert await board(api, area_code=street, period="month", kind="member") == [
            {"rank": 1, "member_id": served_here, "points": 3 * each},
            {"rank": 2, "member_id": served_there, "points": each},
        ]
        earlier = await board(api, area_code=home, period="month", of=last_month.strftime("%Y-%m"), kind="member")
        assert earlier == [{"rank": 1, "member_id": served_before, "points": 2 * each}]
        year = {row["member_id"] for row in await board(api, area_code=home, period="year", kind="member")}
        same_year = last_month.year == this_month_start().year
        assert year == ({served_here, served_before} if same_year else {served_here})
        everything = await board(api, area_code=DISTRICT, period="all", kind="member", limit=200)
        assert {served_here, served_there, served_before} <= {row["member_id"] for row in everything}
        minutes = await board(api, area_code=home, period="month", kind="member", unit="minutes")
        assert minutes == [{"rank": 1, "member_id": served_here, "minutes": 3 * rules["minutes_per_person_time"]}]

        organizations = await board(api, area_code=home, period="month", kind="organization")
        assert organizations == [{"rank": 1, "organization_id": helper, "points": 4 * each}]
        assert await board(api, area_code=next_door, period="month", kind="organization") == []
        assert all(set(row) == {"rank", "member_id", "points"} for row in everything)  # no name, no organisation

    async def test_are_the_same_after_a_restart_loaded_from_the_movements_and_the_organisations(
        self, api: PlatformApi, stack: TestStack
    ) -> None:
        community = f"{new_street()}001"
        branch, member, poster = new_id(), new_id(), new_id()
        await deliver(stack, registered(branch, community), topic=ORGANIZATIONS_TOPIC)
        need = need_in(community, poster)
        await deliver(stack, need)
        await deliver(stack, done(need, branch, 2, member_id=member), done(need, branch, 1))
        asked = [{"area_code": community[:9], "kind": kind, "period": "year"} for kind in ("member", "organization")]
        before = [await board(api, **one) for one in asked]
        assert [len(rows) for rows in before] == [1, 1]

        await asyncio.to_thread(stack.services["points"].restart)

        assert [await board(api, **one) for one in asked] == before

    async def test_a_period_written_wrong_is_refused_naming_it(self, http: httpx.AsyncClient, stack: TestStack) -> None:
        url = stack.url("points") + "/leaderboard"
        refused = await http.get(url, params={"period": "month", "of": "2026"})
        assert refused.status_code == 422 and "of" in refused.text
        assert (await http.get(url, params={"area_code": "3501"})).status_code == 422


class TestTheAssessment:
    async def test_counts_each_members_points_hours_and_claims_of_the_year_for_their_organisation_and_area(
        self, api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
    ) -> None:
        rules = await api.get("points", "/rules")
        each = rules["points_per_person_time"]
        community, elsewhere = f"{new_street()}001", f"{new_street()}001"
        ours, theirs, poster = new_id(), new_id(), new_id()
        busy, idle, outsider = new_id(), new_id(), new_id()
        members = ((busy, ours), (idle, ours), (outsider, theirs))
        await deliver(stack, registered(ours, community), registered(theirs, elsewhere), topic=ORGANIZATIONS_TOPIC)
        await send_raw(stack.kafka, stack.topic(MEMBERS_TOPIC), [encode(joined(m, o)) for m, o in members])
        await api.members_known_to_points(ours, busy, idle)
        await api.members_known_to_points(theirs, outsider)
        need = need_in(community, poster, hours=1.5)
        await deliver(stack, need)
        a_year_ago = datetime.now(UTC) - timedelta(days=400)
        await deliver(
            stack,
            done(need, ours, 2, member_id=busy),
            done(need, ours, 1, member_id=busy),
            done(need, ours, 1, member_id=busy, at=a_year_ago),
            done(need, theirs, 1, member_id=outsider),
        )

        expected = [
            {
                "member_id": busy,
                "organization_ids": [ours],
                "points": 3 * each,
                "minutes": 270,
                "hours": "4:30",
                "claims_completed": 2,
                "activities_attended": 0,
            },
            {
                "member_id": idle,
                "organization_ids": [ours],
                "points": 0,
                "minutes": 0,
                "hours": "0:00",
                "claims_completed": 0,
                "activities_attended": 0,
            },
        ]
        community_admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=community)
        for reader, asked in ((organization(ours), {}), (community_admin, {}), (PLATFORM, {"organization_id": ours})):
            assessment = await api.get("points", "/assessment", actor=reader, **asked)
            assert assessment["items"] == expected, reader
        before = await api.get("points", "/assessment", actor=organization(ours), year=a_year_ago.year)
        first = before["items"][0]
        assert (first["member_id"], first["claims_completed"], first["points"]) == (busy, 1, each)

    async def test_is_refused_to_a_stranger_a_member_and_another_areas_administrator(
        self, http: httpx.AsyncClient, stack: TestStack
    ) -> None:
        community = f"{new_street()}001"
        ours = new_id()
        await deliver(stack, registered(ours, community), topic=ORGANIZATIONS_TOPIC)
        url = stack.url("points") + "/assessment"
        elsewhere = Actor(kind=ActorKind.AREA_ADMIN, area_code=f"{new_street()}001")
        resident = Actor(kind=ActorKind.RESIDENT, resident_id=new_id(), area_code=community)
        for stranger, asked in (
            (organization(new_id()), {"organization_id": ours}),
            (organization(ours, member_id=new_id()), {}),
            (elsewhere, {"organization_id": ours}),
            (elsewhere, {"area_code": community}),
            (resident, {}),
        ):
            refused = await http.get(url, params=asked, headers=acting(stranger))
            assert refused.status_code == 403, (stranger, refused.text)
        assert (await http.get(url, params={"organization_id": ours})).status_code == 401


async def test_a_registration_told_again_after_a_move_leaves_the_organisation_where_it_moved(
    mongo: AsyncMongoClient[Document],
) -> None:
    standings = Standings()
    placed = PlacedOrganizations(mongo[f"points_placed_{uuid4().hex[:8]}"], standings, Memberships())
    first, then = "350126001001", "350126002001"
    registered = OrganizationRegistered(
        source="/services/organizations",
        subject="o1",
        data=OrganizationRegisteredData(
            organization_id="o1", name="一支部", kind=OrganizationKind.BRANCH, area_code=first
        ),
    )
    moved = OrganizationUpdatedData(
        organization_id="o1",
        name="一支部",
        kind=OrganizationKind.BRANCH,
        area_code=then,
        status=OrganizationStatus.ACTIVE,
    )

    await placed.on_registrations([registered])
    await placed.on_updated(OrganizationUpdated(source="/services/organizations", subject="o1", data=moved))
    await placed.on_registrations([registered])

    assert (standings.organizations_in(first), standings.organizations_in(then)) == (set(), {"o1"})
    assert (await placed.require("o1"))["area_code"] == then
