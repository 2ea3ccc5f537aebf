"""Activities residents sign up for, over HTTP against the real Kafka and FerretDB."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contract.events import NEEDS_TOPIC
from devkit.testing import PlatformApi, TestStack, acting, organization, read_topic
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

COMMUNITY = "350121990001"


def resident(area_code: str = COMMUNITY) -> Actor:
    return Actor(kind=ActorKind.RESIDENT, resident_id=uuid4().hex, area_code=area_code)


def activity(places: int, **extra: Any) -> dict[str, Any]:
    starts = datetime.now(UTC) + timedelta(days=3)
    return {
        "title": "社区义诊进楼栋",
        "category": "medical",
        "area_code": COMMUNITY,
        "place": "3号楼架空层",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "places": places,
        **extra,
    }


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


async def test_60_concurrent_sign_ups_for_20_places_take_exactly_20(api: PlatformApi, stack: TestStack) -> None:
    host = await api.register_organization("社区卫生服务中心党支部", COMMUNITY, kind="hospital")
    posted = await api.post("needs", "/activities", activity(20), actor=organization(host))
    url = stack.url("needs") + f"/activities/{posted['id']}/signups"

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=60)) as http:
        answers = await asyncio.gather(
            *(http.post(url, json={"name": f"居民{i}"}, headers=acting(resident())) for i in range(60))
        )

    assert Counter(a.status_code for a in answers) == {201: 20, 409: 40}
    full = await api.get("needs", f"/activities/{posted['id']}", actor=organization(host))
    assert (full["taken"], full["remaining"], len(full["signups"])) == (20, 0, 20)

    def about(records: list[Any]) -> list[dict[str, Any]]:
        return [e for e in (json.loads(r.value) for r in records) if e["subject"] == posted["id"]]

    records = await read_topic(stack.kafka, stack.topic(NEEDS_TOPIC), until=lambda rs: len(about(rs)) >= 21)
    assert Counter(e["type"] for e in about(records)) == {"activity.posted": 1, "activity.joined": 20}


async def test_a_resident_signs_up_once_withdraws_and_the_place_is_free_again(api: PlatformApi) -> None:
    host = await api.register_organization("社区党委", COMMUNITY, kind="party_committee")
    posted = await api.post("needs", "/activities", activity(2), actor=organization(host))
    path = f"/activities/{posted['id']}"
    wang, li = resident(), resident()

    signed = await api.post("needs", path + "/signups", {"name": "王阿姨", "people": 2}, actor=wang)
    assert (signed["signed_up"], signed["remaining"], signed["signups"]) == (True, 0, None)  # no names for her
    again = await api.post("needs", path + "/signups", {"name": "王阿姨"}, 409, actor=wang)
    assert again["error"]["message"] == "signed up already"
    full = await api.post("needs", path + "/signups", {"name": "李伯"}, 409, actor=li)
    assert full["error"]["remaining"] == 0

    await api.post("needs", path + "/withdraw", {}, 404, actor=li)  # holds no place
    freed = await api.post("needs", path + "/withdraw", {}, 200, actor=wang)
    assert (freed["signed_up"], freed["remaining"]) == (False, 2)
    await api.post("needs", path + "/signups", {"name": "李伯"}, actor=li)

    mine = (await api.get("needs", "/activities", actor=li, mine=True))["items"]
    assert [a["id"] for a in mine] == [posted["id"]]
    assert (await api.get("needs", "/activities", actor=wang, mine=True))["items"] == []
    await api.post("needs", path + "/signups", {"name": "赵"}, 403, actor=organization(host))  # residents sign up


async def test_sign_up_closes_at_its_deadline(api: PlatformApi) -> None:
    host = await api.register_organization("读书会党小组", COMMUNITY)
    closing = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    posted = await api.post("needs", "/activities", activity(10, sign_up_until=closing), actor=organization(host))
    await asyncio.sleep(1.2)
    refused = await api.post("needs", f"/activities/{posted['id']}/signups", {"name": "王阿姨"}, 409, actor=resident())
    assert refused["error"]["message"] == "sign-up has closed"


async def test_only_its_organisation_calls_an_activity_off_and_then_no_one_signs_up(api: PlatformApi) -> None:
    host = await api.register_organization("社区团支部", COMMUNITY)
    other = await api.register_organization("别的支部", COMMUNITY)
    posted = await api.post("needs", "/activities", activity(30), actor=organization(host))
    path = f"/activities/{posted['id']}"

    await api.post("needs", path + "/cancel", {}, 403, actor=organization(other))
    cancelled = await api.post("needs", path + "/cancel", {}, 200, actor=organization(host))
    assert cancelled["status"] == "cancelled"
    refused = await api.post("needs", path + "/signups", {"name": "王阿姨"}, 409, actor=resident())
    assert "called off" in refused["error"]["message"]
    upcoming = (await api.get("needs", "/activities", area_code=COMMUNITY))["items"]
    assert posted["id"] not in {a["id"] for a in upcoming}


async def test_what_cannot_be_an_activity_is_refused(api: PlatformApi) -> None:
    host = await api.register_organization("宣讲党支部", COMMUNITY)
    as_host = organization(host)
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    await api.post("needs", "/activities", activity(10, starts_at=past), 422, actor=as_host)
    late = activity(10)
    late["sign_up_until"] = late["ends_at"]
    await api.post("needs", "/activities", late, 422, actor=as_host)
    await api.post("needs", "/activities", activity(0), 422, actor=as_host)
    await api.post("needs", "/activities", activity(10), 403, actor=resident())
    await api.post("needs", "/activities", activity(10, organization_id=uuid4().hex), 403, actor=as_host)
    await api.get("needs", f"/activities/{uuid4().hex}", 404)
