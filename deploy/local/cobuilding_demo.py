"""The demo's co-building, in the demo community: two co-building agreements in force whose
venue commitments are booked on the venues' calendars, residents' concerns in each state, a
project in public notice (its first milestone done, its spending by funder) and one planned, a
purchase of services awarded and delivered, and the next joint meeting's agenda drafted from what
is stuck (a need left unclaimed past its time among it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from runtime.actors import Actor, ActorKind

Post = Callable[[str, str, dict[str, Any], Actor], Awaitable[dict[str, Any]]]


class Refused(Exception):
    """What a `Post` raises when the service answers with an error: its status and body."""

    def __init__(self, where: str, status: int, text: str) -> None:
        super().__init__(f"POST {where} answered {status}: {text[:500]}")
        self.status = status
        self.text = text


def organization(organization_id: str, area_code: str) -> Actor:
    return Actor(kind=ActorKind.ORGANIZATION, organization_id=organization_id, area_code=area_code)


async def stuck_need(post: Post, organization_id: str, community: str) -> datetime:
    """A need of the community with half a minute to be claimed: by the time the demo is loaded
    it is past its time, unclaimed, and the joint meeting's agenda names it."""
    deadline = datetime.now(UTC) + timedelta(seconds=30)
    body = {
        "title": "为社区独居老人每周送餐",
        "category": "elderly_care",
        "area_code": community,
        "quantity": 3,
        "deadline": deadline.isoformat(),
    }
    await post("needs", "/needs", body, organization(organization_id, community))
    return deadline


CO_BUILT_VENUES = 2  # the venues `co_build` shares: the room and the hall


async def co_build(
    post: Post, parties: list[str], community: str, point: tuple[float, float], resident_id: str, due: datetime
) -> dict[str, int]:
    """The demo community's agreements, concerns and joint meeting; `parties`: three of its
    organisations; `point`: where the demo's venues are."""
    ours, first, second = parties
    place = {"kind": "venue", "category": "party_education", "area_code": community, "lat": point[0], "lon": point[1]}
    room = await post(
        "resources",
        "/resources",
        {"name": "党群服务中心会议室", "capacity": 30, **place},
        organization(ours, community),
    )
    hall = await post(
        "resources", "/resources", {"name": "青年之家活动室", "capacity": 40, **place}, organization(second, community)
    )
    today = date.today()
    term = {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=364)).isoformat()}
    agreements = [
        (
            ours,
            first,
            {
                "title": "社区党委与救援队党支部结对共建",
                "parties": [ours, first],
                **term,
                "commitments": [
                    _venue(
                        ours, first, "每月7日19:00-21:00提供会议室开展党小组活动", room["id"], ("19:00", "21:00"), day=7
                    ),
                    {
                        "by_organization_id": first,
                        "what": "每年4次应急救护培训",
                        "repeat": "times_a_year",
                        "times_a_year": 4,
                    },
                ],
            },
        ),
        (
            second,
            ours,
            {
                "title": "青年之家与社区党委近邻共建",
                "parties": [second, ours],
                **term,
                "commitments": [
                    _venue(
                        second,
                        ours,
                        "每周三14:00-16:00提供活动室开展老年课堂",
                        hall["id"],
                        ("14:00", "16:00"),
                        weekday=2,
                    ),
                    {"by_organization_id": ours, "what": "每月15日走访慰问困难党员", "repeat": "monthly", "day": 15},
                ],
            },
        ),
    ]
    for proposer, signer, body in agreements:
        made = await _once_the_venue_is_known(post, body, organization(proposer, community))
        await post("cobuilding", f"/agreements/{made['id']}/sign", {}, organization(signer, community))

    resident = Actor(kind=ActorKind.RESIDENT, resident_id=resident_id, area_code=community)
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=community)
    concerns = [
        ("楼道灯坏了三天", "三号楼二单元晚上看不见台阶", None),
        ("小区门口占道经营", "早上七点到九点门口堵得走不过去", "已联系城管，本周内清理。"),
        ("建议增设老年助餐点", "社区老人多，希望有个吃午饭的地方", "已纳入明年为民办实事项目，先在党群服务中心试点。"),
    ]
    for n, (title, text, answer) in enumerate(concerns):
        concern = await post(
            "cobuilding", "/concerns", {"title": title, "text": text, "phone": "13900000001"}, resident
        )
        if answer is not None:
            await post("cobuilding", f"/concerns/{concern['id']}/reply", {"text": answer}, admin)
        if n == 2:
            await post("cobuilding", f"/concerns/{concern['id']}/rate", {"stars": 5, "comment": "答复很及时"}, resident)
    for_someone = {
        "title": "垃圾清运不及时",
        "text": "周末两天没人收",
        "resident_name": "李大爷",
        "area_code": community,
    }
    await post("cobuilding", "/concerns", {"kind": "complaint", **for_someone}, admin)

    projects = await _projects(post, parties, community, today)
    bought = await _purchase(post, parties, community, today)

    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds() + 1))  # the stuck need's time is up
    meeting = {"held_on": (today + timedelta(days=7)).isoformat(), "title": "近邻合伙人联席会议"}
    drafted = await post("cobuilding", "/meetings", meeting, admin)
    return {
        "co-building agreements": len(agreements),
        "concerns": len(concerns) + 1,
        "agenda items": len(drafted["items"]),
        "projects": projects,
        "purchases of services": bought,
    }


async def _projects(post: Post, parties: list[str], community: str, today: date) -> int:
    """Two projects of the demo community: one with its first milestone done, spending recorded
    by funder and in public notice (with a comment); one planned."""
    ours, first, _ = parties
    owner = organization(ours, community)
    canteen = await post(
        "cobuilding",
        "/projects",
        {
            "title": "“银龄助餐”社区食堂共建项目",
            "category": "elderly_care",
            "description": "在党群服务中心开设老年助餐点，救援队党支部协助配送。",
            "partners": [first],
            "starts_on": (today - timedelta(days=60)).isoformat(),
            "ends_on": (today + timedelta(days=300)).isoformat(),
            "budget": 120_000,
            "planned_person_times": 6_000,
            "milestones": [
                {"title": "选址与装修", "due_on": (today - timedelta(days=5)).isoformat()},
                {"title": "开餐运营", "due_on": (today + timedelta(days=30)).isoformat()},
                {
                    "title": "半年评估",
                    "due_on": (today + timedelta(days=200)).isoformat(),
                    "owner_organization_id": first,
                },
            ],
        },
        owner,
    )
    path = f"/projects/{canteen['id']}"
    for spent in (
        {"amount": 45_000, "funder": "市总工会", "what": "厨房改造"},
        {"amount": 20_000, "funder": "街道", "what": "餐具与桌椅"},
        {"amount": 8_000, "funder": "自筹", "what": "开业宣传"},
    ):
        await post("cobuilding", f"{path}/spending", {"on": (today - timedelta(days=10)).isoformat(), **spent}, owner)
    done = {"done_on": (today - timedelta(days=2)).isoformat(), "note": "装修验收完成", "served": 0}
    await post("cobuilding", f"{path}/milestones/{canteen['milestones'][0]['milestone_id']}/done", done, owner)
    await post("cobuilding", f"{path}/comments", {"text": "希望能提供低盐低糖餐"}, organization(first, community))
    await post(
        "cobuilding",
        "/projects",
        {
            "title": "“红色物业”楼道微更新",
            "category": "community_governance",
            "starts_on": (today + timedelta(days=10)).isoformat(),
            "ends_on": (today + timedelta(days=120)).isoformat(),
            "budget": 30_000,
            "planned_person_times": 800,
            "milestones": [{"title": "居民议事会确定方案", "due_on": (today + timedelta(days=30)).isoformat()}],
        },
        owner,
    )
    return 2


async def _purchase(post: Post, parties: list[str], community: str, today: date) -> int:
    """The demo street buys a service from an organisation of its community, awarded and delivered."""
    street = Actor(kind=ActorKind.AREA_ADMIN, area_code=community[:9])
    provider = organization(parties[2], community)
    bought = await post(
        "cobuilding",
        "/purchases",
        {
            "title": "独居老人心理关爱服务",
            "service": "每月两次上门心理疏导与电话随访",
            "for_whom": "辖区独居、空巢老人",
            "category": "elderly_care",
            "budget": 60_000,
            "starts_on": (today - timedelta(days=40)).isoformat(),
            "ends_on": (today + timedelta(days=320)).isoformat(),
        },
        street,
    )
    path = f"/purchases/{bought['id']}"
    offered = await post(
        "cobuilding", f"{path}/offers", {"price": 48_000, "plan": "两名持证社工，每月上门两次"}, provider
    )
    await post("cobuilding", f"{path}/award", {"offer_id": offered["offers"][0]["offer_id"]}, street)
    for days_ago, served in ((30, 46), (10, 52)):
        delivery = {"on": (today - timedelta(days=days_ago)).isoformat(), "person_times": served}
        await post("cobuilding", f"{path}/deliveries", delivery, provider)
    return 1


def _venue(by: str, to: str, what: str, venue_id: str, hours: tuple[str, str], **when: int) -> dict[str, Any]:
    """A venue commitment: monthly on `day`, or weekly on `weekday`, for those hours."""
    return {
        "by_organization_id": by,
        "for_organization_id": to,
        "what": what,
        "repeat": "monthly" if "day" in when else "weekly",
        "starts": hours[0],
        "ends": hours[1],
        "venue_id": venue_id,
        **when,
    }


async def _once_the_venue_is_known(post: Post, body: dict[str, Any], proposer: Actor) -> dict[str, Any]:
    """The agreement proposed once the co-building service has heard of its venues (it follows
    the resources service's events, behind the whole city's bookings while a city loads)."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            return await post("cobuilding", "/agreements", body, proposer)
        except Refused as refused:
            if refused.status != 422 or "venue" not in refused.text:
                raise
            await asyncio.sleep(0.5)
    raise SystemExit("[demo] the co-building service never heard of the demo's venues")
