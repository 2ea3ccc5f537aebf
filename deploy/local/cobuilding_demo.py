"""The demo's co-building, in the demo community: two co-building agreements in force whose
venue commitments are booked on the venues' calendars, residents' concerns in each state, and
the next joint meeting's agenda drafted from what is stuck (a need left unclaimed past its time
among it)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from runtime.actors import Actor, ActorKind

Post = Callable[[str, str, dict[str, Any], Actor], Awaitable[dict[str, Any]]]


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

    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds() + 1))  # the stuck need's time is up
    meeting = {"held_on": (today + timedelta(days=7)).isoformat(), "title": "近邻合伙人联席会议"}
    drafted = await post("cobuilding", "/meetings", meeting, admin)
    return {
        "co-building agreements": len(agreements),
        "concerns": len(concerns) + 1,
        "agenda items": len(drafted["items"]),
    }


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
    the resources service's events)."""
    for _ in range(100):
        try:
            return await post("cobuilding", "/agreements", body, proposer)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 422 or "venue" not in exc.response.text:
                raise
            await asyncio.sleep(0.2)
    raise SystemExit("[demo] the co-building service never heard of the demo's venues")
