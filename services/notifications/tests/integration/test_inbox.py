"""The notifications service on the real Kafka and FerretDB: a wish claimed through the needs
service tells its resident, and no one else; the same event delivered again tells no one twice;
a message is marked read by its own reader only."""

from __future__ import annotations

import json

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
