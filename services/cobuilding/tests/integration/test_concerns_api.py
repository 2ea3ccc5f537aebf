"""The red mailbox on the real Kafka and FerretDB, through the co-building service's HTTP API: a
concern put in, told to its community's administrators, escalated by the test clock to the
street (who is told), answered and rated, each step an event on `cobuilding.events`; bad input
refused naming the field, with nothing stored; callers who are not its resident or its area's
administrators refused."""

from __future__ import annotations

import json

import httpx
import pytest

from contract.events import COBUILDING_TOPIC
from devkit.testing import PLATFORM, TestStack, acting, eventually, organization, read_topic
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

COMMUNITY = "350124989001"
RESIDENT = Actor(kind=ActorKind.RESIDENT, resident_id="c" * 31 + "1", area_code=COMMUNITY + "01")
COMMUNITY_ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)
STREET_ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY[:9])
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


async def test_a_concern_is_told_escalated_answered_and_rated_each_step_an_event(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    base = stack.url("cobuilding")
    body = {"kind": "complaint", "title": "楼下夜市太吵", "text": "每晚到十二点", "phone": "13912345678"}
    answer = await http.post(f"{base}/concerns", json=body, headers=acting(RESIDENT))
    assert answer.status_code == 201, answer.text
    concern = answer.json()
    assert (concern["status"], concern["level"], concern["handler"]) == ("waiting", "community", COMMUNITY)
    photo = await http.post(
        f"{base}/concerns/{concern['id']}/photos",
        files={"photo": ("p.png", PNG, "image/png")},
        headers=acting(RESIDENT),
    )
    assert photo.status_code == 200, photo.text
    [digest] = photo.json()["photos"]
    seen = await http.get(f"{base}/concerns/{concern['id']}/photos/{digest}", headers=acting(COMMUNITY_ADMIN))
    assert (seen.status_code, seen.content) == (200, PNG)

    inbox = stack.url("notifications") + "/inbox"

    async def told(actor: Actor, count: int) -> list[dict[str, str]]:
        items: list[dict[str, str]] = (await http.get(inbox, headers=acting(actor))).json()["items"]
        mine = [m for m in items if concern["id"] in m["link"]]
        assert len(mine) == count, items
        return mine

    [submitted] = await eventually(lambda: told(COMMUNITY_ADMIN, 1))
    assert submitted["link"] == f"/admin/concerns#concern-{concern['id']}"

    moved = await http.post(f"{base}/clock", json={"hours": 24 * 6}, headers=acting(PLATFORM))
    assert moved.status_code == 200, moved.text
    assert moved.json()["escalated"] >= 1
    escalated = (await http.get(f"{base}/concerns/{concern['id']}", headers=acting(RESIDENT))).json()
    assert (escalated["level"], escalated["handler"]) == ("street", COMMUNITY[:9])
    await eventually(lambda: told(STREET_ADMIN, 1))

    replied = await http.post(
        f"{base}/concerns/{concern['id']}/reply", json={"text": "已联系城管"}, headers=acting(STREET_ADMIN)
    )
    assert (replied.status_code, replied.json()["in_time"]) == (200, False)
    resident_told = await eventually(lambda: told(RESIDENT, 2))  # the escalation, then the answer
    assert sorted("评价" in m["zh"] for m in resident_told) == [False, True]
    rated = await http.post(f"{base}/concerns/{concern['id']}/rate", json={"stars": 4}, headers=acting(RESIDENT))
    assert rated.json()["status"] == "rated"

    records = await read_topic(
        stack.kafka,
        stack.topic(COBUILDING_TOPIC),
        until=lambda rs: sum(json.loads(r.value)["subject"] == concern["id"] for r in rs) >= 4,
    )
    kinds = [json.loads(r.value)["type"] for r in records if json.loads(r.value)["subject"] == concern["id"]]
    assert kinds == ["concern.submitted", "concern.escalated", "concern.replied", "concern.rated"]
    figures = (await http.get(f"{base}/concerns/figures", headers=acting(STREET_ADMIN))).json()
    ours = next(f for f in figures if f["community"] == COMMUNITY)
    assert (ours["received"], ours["escalated"], ours["rated"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "没有标题"}, "title"),
        ({"title": None, "text": "x"}, "title"),
        ({"title": {"$gt": ""}, "text": "x"}, "title"),
        ({"title": "x" * 101, "text": "x"}, "title"),
        ({"title": "电话", "text": "x", "phone": "12345"}, "phone"),
        ({"title": "类别", "text": "x", "kind": "praise"}, "kind"),
        ({"title": "多余", "text": "x", "status": "rated"}, "status"),
        ({"title": "区域", "text": "x", "area_code": "35012498900"}, "area_code"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    stack: TestStack, http: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    base = stack.url("cobuilding")
    before = (await http.get(f"{base}/concerns", headers=acting(RESIDENT))).json()["items"]
    answer = await http.post(f"{base}/concerns", json=body, headers=acting(RESIDENT))
    assert answer.status_code in (403, 422), answer.text
    assert field in answer.text
    assert (await http.get(f"{base}/concerns", headers=acting(RESIDENT))).json()["items"] == before


async def test_strangers_and_bad_moves_are_refused(stack: TestStack, http: httpx.AsyncClient) -> None:
    base = stack.url("cobuilding")
    concern = (
        await http.post(f"{base}/concerns", json={"title": "垃圾没人收", "text": "三天了"}, headers=acting(RESIDENT))
    ).json()
    path = f"{base}/concerns/{concern['id']}"
    neighbour = Actor(kind=ActorKind.AREA_ADMIN, area_code="350124989002")
    assert (await http.post(f"{base}/concerns", content=b"{not json", headers=acting(RESIDENT))).status_code == 422
    assert (await http.get(path)).status_code == 401
    for outsider in (neighbour, organization("d" * 32), PLATFORM):
        assert (await http.get(path, headers=acting(outsider))).status_code == 404
    refused = await http.post(f"{path}/reply", json={"text": "不是我们的"}, headers=acting(neighbour))
    assert refused.status_code == 403 and "community" in refused.json()["error"]["message"]
    assert (await http.post(f"{path}/rate", json={"stars": 5}, headers=acting(RESIDENT))).status_code == 409
    assert (await http.post(f"{path}/rate", json={"stars": 6}, headers=acting(RESIDENT))).status_code == 422
    assert (
        await http.post(f"{base}/concerns/{'e' * 32}/reply", json={"text": "x"}, headers=acting(COMMUNITY_ADMIN))
    ).status_code == 404
    assert (await http.post(f"{base}/clock", json={"hours": 1}, headers=acting(COMMUNITY_ADMIN))).status_code == 403
    not_a_photo = await http.post(
        f"{path}/photos", files={"photo": ("x.svg", b"<svg/>", "image/png")}, headers=acting(RESIDENT)
    )
    assert not_a_photo.status_code == 422 and "photo" in not_a_photo.text
    unchanged = (await http.get(path, headers=acting(RESIDENT))).json()
    assert (unchanged["status"], unchanged["photos"], unchanged["version"]) == ("waiting", [], 1)
