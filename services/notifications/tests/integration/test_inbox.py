"""The notifications service on the real Kafka and FerretDB: a wish claimed through the needs
service tells its resident, and no one else; the same event delivered again tells no one twice;
a message is marked read by its own reader only; a booking left waiting for approval reminds the
venue's organisation once, and one approved in time does not (the test stack reminds after 7 s)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from contract.events import NEEDS_TOPIC
from devkit.testing import PlatformApi, TestStack, acting, eventually, organization, read_topic, send_raw, wait_consumed
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

COMMUNITY = "350124994001"


async def test_a_claimed_wish_tells_its_resident_once_however_often_the_event_comes(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    claimer = await api.register_organization("西街志愿服务队党支部", COMMUNITY)
    resident = Actor(kind=ActorKind.RESIDENT, resident_id="a" * 31 + "1", area_code=COMMUNITY)
    neighbour = Actor(kind=ActorKind.RESIDENT, resident_id="a" * 31 + "2", area_code=COMMUNITY)
    wish = await api.post("needs", "/wishes", {"resident_name": "西阿姨", "title": "想要一台收音机"}, actor=resident)
    await api.post("needs", f"/wishes/{wish['id']}/claim", {}, 200, actor=organization(claimer))
    inbox = stack.url("notifications") + "/inbox"

    async def told() -> dict[str, object]:
        answer = (await http.get(inbox, headers=acting(resident))).json()
        assert answer["unread"] == 1, answer
        return answer

    [message] = (await eventually(told))["items"]
    assert (message["kind"], message["link"]) == ("wish", f"/me#wish-{wish['id']}")
    assert "认领" in message["zh"] and "taken on" in message["en"]
    assert (await http.get(inbox, headers=acting(neighbour))).json() == {"items": [], "unread": 0}
    assert (await http.get(inbox, headers=acting(organization(claimer)))).json()["items"] == []

    records = await read_topic(
        stack.kafka,
        stack.topic(NEEDS_TOPIC),
        until=lambda rs: any(json.loads(r.value)["subject"] == wish["id"] and b"wish.claimed" in r.value for r in rs),
    )
    [claimed] = [r for r in records if json.loads(r.value)["subject"] == wish["id"] and b"wish.claimed" in r.value]
    sent = await send_raw(stack.kafka, stack.topic(NEEDS_TOPIC), [(claimed.key, claimed.value, list(claimed.headers))])
    await wait_consumed(stack.kafka, stack.group("notifications"), sent)
    again = (await http.get(inbox, headers=acting(resident))).json()
    assert (len(again["items"]), again["unread"]) == (1, 1)

    read = stack.url("notifications") + f"/inbox/{message['id']}/read"
    assert (await http.post(read, headers=acting(neighbour))).status_code == 404
    assert (await http.post(read, headers=acting(resident))).json()["read_at"] is not None
    assert (await http.get(inbox + "/unread", headers=acting(resident))).json() == {"unread": 0}


async def test_a_booking_left_waiting_for_approval_reminds_its_venue_and_one_approved_in_time_does_not(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    owner = await api.register_organization("提醒测试场地单位", COMMUNITY)
    booker = organization(await api.register_organization("提醒测试预约支部", COMMUNITY))
    venue = await api.share_resource(owner, "venue", COMMUNITY, needs_approval=True)
    day = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0) + timedelta(days=3)

    def slot(hours: int) -> dict[str, str]:
        start = day + timedelta(hours=hours)
        return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}

    waiting = await api.post("resources", f"/venues/{venue}/bookings", slot(0), actor=booker)
    approved = await api.post("resources", f"/venues/{venue}/bookings", slot(2), actor=booker)
    await api.post("resources", f"/bookings/{approved['id']}/approve", {}, 200, actor=organization(owner))
    inbox = stack.url("notifications") + "/inbox"

    async def reminded() -> list[dict[str, object]]:
        items = (await http.get(inbox, headers=acting(organization(owner)))).json()["items"]
        found = [m for m in items if m["kind"] == "reminder"]
        assert found, items
        return found

    [reminder] = await eventually(reminded, within=40)
    assert reminder["subject"] == waiting["id"] and reminder["link"] == "/org#approvals"
    assert "审批" in str(reminder["zh"])
    await asyncio.sleep(3)  # the approved one fell due as well by now, and several sweeps ran
    assert [m["subject"] for m in await reminded()] == [waiting["id"]]


async def test_a_need_nearing_its_deadline_reminds_its_organisation_and_expired_tells_its_community(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("截止测试社区党委", COMMUNITY)
    deadline = datetime.now(UTC) + timedelta(seconds=6)
    need = await api.post_need(poster, "elderly_care", COMMUNITY, quantity=4, deadline=deadline.isoformat())
    inbox = stack.url("notifications") + "/inbox"
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)

    async def told(actor: Actor, count: int) -> list[dict[str, object]]:
        items = (await http.get(inbox, headers=acting(actor))).json()["items"]
        mine = [m for m in items if m["link"] == f"/needs/{need}"]
        assert len(mine) == count, items
        return mine

    [expired] = await eventually(lambda: told(admin, 1), within=40)
    assert "本社区" in str(expired["zh"]) and expired["event_type"] == "need.expired"
    by_kind = {m["kind"]: m for m in await told(organization(poster), 2)}
    assert "截止" in str(by_kind["reminder"]["zh"]) and "4 人次" in str(by_kind["claim"]["zh"])
    street = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY[:9])
    assert (await http.get(inbox, headers=acting(street))).json()["items"] == []
