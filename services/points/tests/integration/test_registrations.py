"""双报到 on the real Kafka and FerretDB: a member declares the community where they live, its
administrator accepts (announced as `registration.accepted`), a move ends the old registration,
and the organisation's monthly report gives the minutes the ledger credited the member for work
in that community, the same in its XLSX; each step refused to those it is not for."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from pymongo import AsyncMongoClient

from contract.events import MEMBERS_TOPIC, NEEDS_TOPIC, POINTS_TOPIC, Envelope
from contract.events.needs import ClaimCompleted, ClaimData, NeedPosted, NeedPostedData
from contract.events.organizations import MemberJoined, MemberJoinedData
from contract.ids import new_id
from contract.taxonomy import Category
from devkit.testing import PlatformApi, TestStack, acting, organization, read_topic, send_raw, wait_consumed
from runtime.actors import Actor, ActorKind
from runtime.kafka import encode
from runtime.mongo import Document

pytestmark = pytest.mark.stack

HOME = "350121990001"  # where the member lives: the community's administrator decides
ELSEWHERE = "350121991001"
CITY_ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code="350100")
CITY_TIME = timedelta(hours=8)


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def admin_of(code: str) -> Actor:
    return Actor(kind=ActorKind.AREA_ADMIN, area_code=code)


def this_month() -> str:
    return (datetime.now(UTC) + CITY_TIME).strftime("%Y-%m")


async def deliver(stack: TestStack, *events: Envelope, topic: str = NEEDS_TOPIC) -> None:
    """Publishes the events on `topic` and waits until the points service consumed them."""
    sent = await send_raw(stack.kafka, stack.topic(topic), [encode(e) for e in events])
    await wait_consumed(stack.kafka, stack.group("points"), sent)


async def joined(stack: TestStack, api: PlatformApi, member_id: str, organization_id: str) -> None:
    event = MemberJoined(
        source="organizations",
        subject=member_id,
        data=MemberJoinedData(member_id=member_id, organization_id=organization_id, roles=["party_member"]),
    )
    await send_raw(stack.kafka, stack.topic(MEMBERS_TOPIC), [encode(event)])
    await api.members_known_to_points(organization_id, member_id)


async def served(stack: TestStack, member_id: str, claimer: str, area: str, title: str, hours: int) -> None:
    """A need of `hours` in `area`, served by the member (one person-time), completed."""
    need_id, poster, claim_id = new_id(), new_id(), new_id()
    starts = datetime.now(UTC) - timedelta(hours=hours)
    need = NeedPostedData(
        need_id=need_id,
        organization_id=poster,
        title=title,
        category=Category.VOLUNTEERING,
        area_code=area,
        quantity=1,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
    )
    claim = ClaimData(
        claim_id=claim_id,
        need_id=need_id,
        need_organization_id=poster,
        organization_id=claimer,
        member_id=member_id,
        quantity=1,
        served=1,
    )
    await deliver(stack, NeedPosted(source="needs", subject=need_id, data=need))
    await deliver(stack, ClaimCompleted(source="needs", subject=claim_id, data=claim))


async def declare(api: PlatformApi, member: Actor, community: str, status: int = 201) -> dict[str, Any]:
    body = {"community_code": community, "name": "李党员"}
    return await api.post("points", "/registrations", body, status, actor=member)


class TestARegistration:
    async def test_is_accepted_by_its_communitys_administrator_and_announced(
        self, api: PlatformApi, stack: TestStack
    ) -> None:
        org, member_id = new_id(), new_id()
        member = organization(org, member_id=member_id)
        made = await declare(api, member, HOME)
        assert made["status"] == "pending"
        waiting = await api.get("points", "/registrations/waiting", actor=admin_of(HOME[:9]))
        assert made["id"] in [r["id"] for r in waiting]
        elsewhere = await api.get("points", "/registrations/waiting", actor=admin_of(ELSEWHERE))
        assert made["id"] not in [r["id"] for r in elsewhere]

        await api.post("points", f"/registrations/{made['id']}/accept", {}, 403, actor=admin_of(ELSEWHERE))
        await api.post("points", f"/registrations/{made['id']}/accept", {}, 403, actor=member)
        accepted = await api.post("points", f"/registrations/{made['id']}/accept", {}, 200, actor=admin_of(HOME))
        assert accepted["status"] == "accepted"
        await api.post("points", f"/registrations/{made['id']}/decline", {}, 409, actor=admin_of(HOME))

        def announced(records: list[Any]) -> list[dict[str, Any]]:
            values = [json.loads(r.value) for r in records]
            return [v for v in values if v["type"] == "registration.accepted" and v["subject"] == made["id"]]

        records = await read_topic(stack.kafka, stack.topic(POINTS_TOPIC), until=lambda got: bool(announced(got)))
        (event,) = announced(records)
        assert (event["data"]["member_id"], event["data"]["community_code"]) == (member_id, HOME)

    async def test_a_move_ends_the_old_one_once_the_new_is_accepted(self, api: PlatformApi) -> None:
        member = organization(new_id(), member_id=new_id())
        first = await declare(api, member, HOME)
        await api.post("points", f"/registrations/{first['id']}/accept", {}, 200, actor=admin_of(HOME))
        await declare(api, member, HOME, 409)  # registered there already
        second = await declare(api, member, ELSEWHERE)
        mine = {r["id"]: r["status"] for r in await api.get("points", "/registrations/mine", actor=member)}
        assert mine == {first["id"]: "accepted", second["id"]: "pending"}
        await api.post("points", f"/registrations/{second['id']}/accept", {}, 200, actor=admin_of(ELSEWHERE))
        mine = {r["id"]: r["status"] for r in await api.get("points", "/registrations/mine", actor=member)}
        assert mine == {first["id"]: "ended", second["id"]: "accepted"}

    async def test_is_declared_by_a_member_only_of_a_community(self, api: PlatformApi) -> None:
        resident = Actor(kind=ActorKind.RESIDENT, resident_id=new_id(), area_code=HOME)
        await declare(api, resident, HOME, 403)
        await declare(api, organization(new_id()), HOME, 403)  # an organisation's key is no member
        await declare(api, organization(new_id(), member_id=new_id()), HOME[:9], 422)
        await api.get("points", "/registrations/waiting", 403, actor=resident)


class TestTheMonthlyReport:
    async def test_gives_the_minutes_the_ledger_credited_for_work_in_the_community(
        self, api: PlatformApi, stack: TestStack, http: httpx.AsyncClient, mongo: AsyncMongoClient[Document]
    ) -> None:
        org, lives_here, not_registered = new_id(), new_id(), new_id()
        for member_id in (lives_here, not_registered):
            await joined(stack, api, member_id, org)
        member = organization(org, member_id=lives_here)
        made = await declare(api, member, HOME)
        await api.post("points", f"/registrations/{made['id']}/accept", {}, 200, actor=admin_of(HOME))

        claimer = new_id()
        await served(stack, lives_here, claimer, HOME + "01", "助老送餐", hours=2)
        await served(stack, lives_here, claimer, HOME, "助老送餐", hours=1)
        await served(stack, lives_here, claimer, HOME, "垃圾分类宣传", hours=3)
        await served(stack, lives_here, claimer, ELSEWHERE, "别处服务", hours=5)  # not the community: not reported
        await served(stack, not_registered, claimer, HOME, "助老送餐", hours=4)  # not registered: not reported

        month = this_month()
        path = f"/organizations/{org}/registration-report"
        report = await api.get("points", path, actor=organization(org), month=month)
        (line,) = report["members"]
        credited = [
            m
            async for m in mongo[stack.database("points")]["movements"].find(
                {"to_account": f"member:{lives_here}", "unit": "minutes"}
            )
        ]
        in_home = sum(m["amount"] for m in credited if m["area_code"].startswith(HOME))
        assert (line["member_id"], line["name"], line["community_code"]) == (lives_here, "李党员", HOME)
        assert line["minutes"] == in_home == 6 * 60 and line["hours"] == "6:00"
        assert {(s["about"], s["times"], s["minutes"]) for s in line["services"]} == {
            ("助老送餐", 2, 180),
            ("垃圾分类宣传", 1, 180),
        }
        assert report["minutes"] == 360

        response = await http.get(
            stack.url("points") + path + ".xlsx", params={"month": month}, headers=acting(CITY_ADMIN)
        )
        assert response.status_code == 200, response.text
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert rows == [
            ["李党员", lives_here, HOME, "助老送餐", 2, 180, "3:00"],
            ["李党员", lives_here, HOME, "垃圾分类宣传", 1, 180, "3:00"],
            ["李党员", lives_here, HOME, "合计 Total", 3, 360, "6:00"],
        ]

    async def test_is_for_the_organisations_administrators_and_a_citys(self, api: PlatformApi) -> None:
        org = new_id()
        path = f"/organizations/{org}/registration-report"
        await api.get("points", path, 403, actor=organization(org, member_id=new_id()), month=this_month())
        await api.get("points", path, 403, actor=organization(new_id()), month=this_month())
        await api.get("points", path, 403, actor=admin_of(HOME), month=this_month())
        await api.get("points", path, 200, actor=CITY_ADMIN, month=this_month())
        await api.get("points", path, 422, actor=CITY_ADMIN, month="2026-13")
