"""Service requests over HTTP, against the real Kafka and FerretDB: a resident as the
requester, and the provider's completion of an accepted request."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contract.events import RESOURCES_TOPIC
from contract.opening_hours import LOCAL
from devkit.testing import PlatformApi, TestStack, organization, read_topic
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

DISTRICT = "350123"  # each test takes a street of its own below it
_streets = iter(range(100, 999))


def new_community() -> str:
    return f"{DISTRICT}{next(_streets):03d}001"


def resident(area_code: str) -> Actor:
    return Actor(kind=ActorKind.RESIDENT, resident_id=uuid4().hex, area_code=area_code)


def in_days(days: int) -> str:
    return (datetime.now(LOCAL) + timedelta(days=days)).date().isoformat()


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


async def events_about(stack: TestStack, subject: str, *, count: int) -> list[dict[str, Any]]:
    """The resources events of `subject`, once there are `count` of them."""

    def about(records: list[Any]) -> list[dict[str, Any]]:
        return [e for e in (json.loads(r.value) for r in records) if e["subject"] == subject]

    records = await read_topic(stack.kafka, stack.topic(RESOURCES_TOPIC), until=lambda rs: len(about(rs)) >= count)
    return about(records)


async def test_a_resident_requests_a_service_for_themself_and_only_the_two_sides_see_it(
    api: PlatformApi, stack: TestStack
) -> None:
    area = new_community()
    provider = organization(await api.register_organization("家政服务站", area))
    stranger = organization(await api.register_organization("别的单位", area))
    service = await api.share_resource(provider.organization_id or "", "elderly_care", area, capacity=3, kind="service")
    url = f"/resources/{service}/requests"
    wang, li = resident(area), resident(area)
    body = {"wanted_on": in_days(5), "quantity": 2, "resident_name": "王阿姨", "note": "上午"}

    await api.post("resources", url, {**body, "resident_name": None}, 422, actor=wang)  # whom to serve?
    await api.post("resources", url, {**body, "organization_id": stranger.organization_id}, 403, actor=wang)
    await api.post("resources", url, body, 403, actor=Actor(kind=ActorKind.AREA_ADMIN, area_code=area))
    made = await api.post("resources", url, body, actor=wang)
    assert (made["resident_id"], made["organization_id"], made["resident_name"]) == (wang.resident_id, None, "王阿姨")

    rid = made["id"]
    for side in (wang, provider):
        assert (await api.get("resources", f"/service-requests/{rid}", actor=side))["id"] == rid
    for other in (li, stranger):
        await api.get("resources", f"/service-requests/{rid}", 404, actor=other)
    assert [r["id"] for r in (await api.get("resources", "/service-requests", actor=wang))["items"]] == [rid]
    assert (await api.get("resources", "/service-requests", actor=li))["items"] == []
    assert [r["id"] for r in (await api.get("resources", "/service-requests", actor=provider))["items"]] == [rid]

    await api.post("resources", f"/service-requests/{rid}/accept", {}, 403, actor=wang)
    await api.post("resources", f"/service-requests/{rid}/accept", {}, 200, actor=provider)
    await api.post("resources", f"/service-requests/{rid}/cancel", {}, 404, actor=li)
    await api.post("resources", f"/service-requests/{rid}/cancel", {}, 403, actor=provider)
    cancelled = await api.post("resources", f"/service-requests/{rid}/cancel", {}, 200, actor=wang)
    assert cancelled["status"] == "cancelled"
    assert (await api.get("resources", f"/resources/{service}"))["used"] == {}  # given back

    events = await events_about(stack, rid, count=3)
    assert [e["type"] for e in events] == [
        "service_request.made",
        "service_request.accepted",
        "service_request.cancelled",
    ]
    assert (events[0]["data"]["resident_id"], events[0]["data"].get("organization_id")) == (wang.resident_id, None)


async def test_only_the_provider_completes_and_only_an_accepted_request(api: PlatformApi, stack: TestStack) -> None:
    area = new_community()
    provider = organization(await api.register_organization("器材站", area))
    borrower = organization(await api.register_organization("社区党委", area))
    stranger = organization(await api.register_organization("别的单位", area))
    lendable = await api.share_resource(
        provider.organization_id or "",
        "venue",
        area,
        capacity=4,
        kind="lendable",
        name="折叠桌",
        capacity_period="week",
    )
    day = in_days(9)
    made = await api.post(
        "resources", f"/resources/{lendable}/requests", {"wanted_on": day, "quantity": 3}, actor=borrower
    )
    rid, period = made["id"], made["period"]

    early = await api.post("resources", f"/service-requests/{rid}/complete", {}, 409, actor=provider)
    assert early["error"]["code"] == "invalid_transition"
    assert (early["error"]["status"], early["error"]["allowed"]) == ("requested", ["accepted", "cancelled", "declined"])
    await api.post("resources", f"/service-requests/{rid}/accept", {}, 200, actor=provider)

    await api.post("resources", f"/service-requests/{rid}/complete", {}, 403, actor=borrower)
    await api.post("resources", f"/service-requests/{rid}/complete", {}, 404, actor=stranger)
    returned = await api.post("resources", f"/service-requests/{rid}/complete", {}, 200, actor=provider)
    assert returned["status"] == "completed" and returned["completed_at"] is not None
    assert (await api.get("resources", f"/resources/{lendable}"))["used"] == {period: 3}  # lent in that week

    again = await api.post("resources", f"/service-requests/{rid}/complete", {}, 409, actor=provider)
    assert (again["error"]["status"], again["error"]["allowed"]) == ("completed", [])
    await api.post("resources", f"/service-requests/{rid}/cancel", {}, 409, actor=borrower)
    seen = await api.get("resources", f"/service-requests/{rid}", actor=borrower)
    assert seen["status"] == "completed"

    events = await events_about(stack, rid, count=3)
    assert [e["type"] for e in events] == [
        "service_request.made",
        "service_request.accepted",
        "service_request.completed",
    ]
    assert events[2]["data"]["organization_id"] == borrower.organization_id
