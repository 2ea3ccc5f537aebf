"""The needs service over HTTP, against the real Kafka and FerretDB and the other services."""

from __future__ import annotations

import asyncio
import json
import struct
import time
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import jwt
import pytest

from contract.events import MATCHING_TOPIC, NEEDS_TOPIC
from contract.events.matching import MatchAccepted, MatchAcceptedData
from devkit.testing import PlatformApi, TestStack, acting, eventually, organization, read_topic, send_raw
from runtime.actors import Actor, ActorKind, sign
from runtime.config import DEVELOPMENT_ACTOR_SECRET
from runtime.kafka import Headers, encode

pytestmark = pytest.mark.stack

DISTRICT = "350121"  # each test takes a street of its own below it
_streets = iter(range(100, 999))


def new_community() -> str:
    return f"{DISTRICT}{next(_streets):03d}001"


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


async def events_about(stack: TestStack, subject: str, *, count: int, topic: str = NEEDS_TOPIC) -> list[dict[str, Any]]:
    """The events of `subject` on the topic, once there are `count` of them."""

    def about(records: list[Any]) -> list[dict[str, Any]]:
        return [e for e in (json.loads(r.value) for r in records) if e["subject"] == subject]

    records = await read_topic(stack.kafka, stack.topic(topic), until=lambda rs: len(about(rs)) >= count)
    return about(records)


async def test_200_concurrent_claims_on_50_grant_exactly_50(api: PlatformApi, stack: TestStack) -> None:
    area = new_community()
    poster = await api.register_organization("求助党支部", area)
    helpers = [await api.register_organization(f"志愿单位{i}", area) for i in range(4)]
    need_id = await api.post_need(poster, "volunteering", area, quantity=50)
    url = stack.url("needs") + f"/needs/{need_id}/claims"

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=200)) as http:
        answers = await asyncio.gather(
            *(http.post(url, json={"quantity": 1}, headers=acting(organization(helpers[i % 4]))) for i in range(200))
        )

    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 50, 409: 150}, statuses
    need = await api.get("needs", f"/needs/{need_id}")
    assert need["claimed"] == 50 and need["status"] == "fully_claimed"
    assert sum(c["quantity"] for c in need["claims"]) == 50
    events = await events_about(stack, need_id, count=101)  # posted, 50 × (claim.made, need.updated)
    made = [e for e in events if e["type"] == "claim.made"]
    assert len(made) == 50 and len({e["data"]["claim_id"] for e in made}) == 50


async def test_a_need_lives_its_lifecycle_with_an_event_for_every_change(api: PlatformApi, stack: TestStack) -> None:
    area = new_community()
    poster, helper = [await api.register_organization(n, area) for n in ("社区党委", "律师事务所党支部")]
    need_id = await api.post_need(poster, "legal_aid", area, quantity=2, draft=True)
    as_poster, as_helper = organization(poster), organization(helper)
    await api.get("needs", f"/needs/{need_id}", 404, actor=as_helper)  # a draft is its organisation's

    await api.post("needs", f"/needs/{need_id}/publish", {}, 200, actor=as_poster)
    claim = await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 2}, actor=as_helper)
    refused = await api.post("needs", f"/needs/{need_id}/fulfil", {}, 409, actor=as_poster)
    assert refused["error"]["status"] == "fully_claimed"
    assert refused["error"]["allowed"] == ["cancelled", "in_progress", "open", "partly_claimed"]
    await api.post("needs", f"/needs/{need_id}/claims/{claim['id']}/release", {}, 403, actor=as_poster)
    await api.post("needs", f"/needs/{need_id}/claims/{claim['id']}/start", {}, 200, actor=as_helper)
    await api.post("needs", f"/needs/{need_id}/start", {}, 200, actor=as_poster)
    await api.post("needs", f"/needs/{need_id}/cancel", {}, 403, actor=as_helper)
    done = await api.post("needs", f"/needs/{need_id}/fulfil", {}, 200, actor=as_poster)

    assert done["status"] == "fulfilled" and done["claims"][0]["status"] == "completed"
    types = [e["type"] for e in await events_about(stack, need_id, count=7)]
    assert types == [
        "need.posted",
        "claim.made",
        "need.updated",  # fully claimed
        "need.updated",  # claim started
        "need.updated",  # in progress
        "claim.completed",
        "need.fulfilled",
    ]


async def test_who_is_acting_is_checked(api: PlatformApi, stack: TestStack, http: httpx.AsyncClient) -> None:
    area = new_community()
    poster = await api.register_organization("核验党支部", area)
    body = {"title": "需要场地", "category": "venue", "area_code": area, "quantity": 1}
    url = stack.url("needs") + "/needs"
    expired = jwt.encode(
        {"kind": "organization", "organization_id": poster, "exp": int(time.time()) - 5}, DEVELOPMENT_ACTOR_SECRET
    )
    forged = sign(organization(poster), "a-secret-that-is-not-the-platform-secret-at-all")

    for headers, words in (({}, "X-Actor"), ({"X-Actor": expired}, "expired"), ({"X-Actor": forged}, "not valid")):
        response = await http.post(url, json=body, headers=headers)
        assert response.status_code == 401 and words in response.json()["error"]["message"]
    resident = Actor(kind=ActorKind.RESIDENT, resident_id="f" * 32, area_code=area)
    assert (await http.post(url, json=body, headers=acting(resident))).status_code == 403
    assert (await api.get("needs", "/needs", organization_id=poster))["items"] == []


async def test_the_sweep_expires_a_need_whose_deadline_passed(api: PlatformApi, stack: TestStack) -> None:
    area = new_community()
    poster = await api.register_organization("过期测试党支部", area)
    starts = datetime.now(UTC) + timedelta(seconds=2)
    need_id = await api.post_need(poster, "repairs", area, starts_at=starts.isoformat())

    async def expired() -> None:
        assert (await api.get("needs", f"/needs/{need_id}"))["status"] == "expired"

    await eventually(expired, within=15)
    assert [e["type"] for e in await events_about(stack, need_id, count=2)] == ["need.posted", "need.expired"]
    assert (await api.get("needs", "/stats", area_code=area))["totals"]["overdue"] == 1


async def test_statistics_match_a_recount_of_the_needs(api: PlatformApi) -> None:
    street = new_community()[:9]
    areas = [f"{street}{c:03d}" for c in (1, 2)]
    poster = await api.register_organization("统计党委", areas[0])
    helper = await api.register_organization("统计志愿队", areas[1])
    for i in range(8):
        need_id = await api.post_need(poster, ["elderly_care", "tutoring"][i % 2], areas[i % 2], quantity=3)
        claim = await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 1 + i % 3}, actor=organization(helper))
        if i % 4 == 0:  # the first served as many as it claimed; the other says it served 7 person-times
            done = {} if i == 0 else {"served": 7}
            await api.post(
                "needs", f"/needs/{need_id}/claims/{claim['id']}/complete", done, 200, actor=organization(poster)
            )
        if i % 4 == 1:
            await api.post("needs", f"/needs/{need_id}/cancel", {}, 200, actor=organization(poster))

    listed = (await api.get("needs", "/needs", area_code=street, limit=200))["items"]
    month = datetime.now(UTC).strftime("%Y-%m")
    recount = Counter(
        posted=len(listed),
        claims=sum(c["served"] for n in listed for c in n["claims"] if c["status"] == "completed"),
        open=sum(n["status"] in ("open", "partly_claimed") for n in listed),
    )
    stats = await api.get("needs", "/stats", area_code=street)
    assert stats["totals"] == {"posted": 8, "claims": 1 + 7, "fulfilled": 0, "open": recount["open"], "overdue": 0}
    assert (stats["totals"]["posted"], stats["totals"]["claims"]) == (recount["posted"], recount["claims"])
    assert stats["by_category"]["tutoring"]["posted"] == 4
    assert stats["by_month"][month] == {"posted": 8, "claims": 8, "fulfilled": 0}
    community = await api.get("needs", "/stats", area_code=areas[1])
    assert community["totals"]["posted"] == 4


async def test_the_most_responsive_organisations_are_those_whose_claims_were_done(api: PlatformApi) -> None:
    area = new_community()
    poster = await api.register_organization("求助社区党委", area)
    steady, eager = [await api.register_organization(n, area) for n in ("踏实志愿队", "热心志愿队")]
    needs = [await api.post_need(poster, "volunteering", area, quantity=5) for _ in range(3)]
    done = await api.post("needs", f"/needs/{needs[0]}/claims", {"quantity": 1}, actor=organization(steady))
    await api.post("needs", f"/needs/{needs[0]}/claims/{done['id']}/complete", {}, 200, actor=organization(poster))
    for need_id in needs:
        await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 1}, actor=organization(eager))

    ranked = (await api.get("needs", "/stats/organizations", area_code=area))["items"]
    assert [(o["organization_id"], o["claims_completed"], o["claims_made"]) for o in ranked] == [
        (steady, 1, 1),  # what was done counts before what was promised
        (eager, 0, 3),
    ]
    assert all(0 <= o["median_hours_to_claim"] < 1 for o in ranked)
    assert (await api.get("needs", "/stats/organizations", area_code=new_community()))["items"] == []


async def test_an_accepted_match_becomes_a_claim_or_a_refusal(api: PlatformApi, stack: TestStack) -> None:
    area = new_community()
    poster, supplier = [await api.register_organization(n, area) for n in ("撮合需方", "撮合供方")]
    need_id = await api.post_need(poster, "first_aid_training", area, quantity=1)

    def accepted(proposal_id: str) -> tuple[bytes, bytes, Headers]:
        data = MatchAcceptedData(
            proposal_id=proposal_id,
            need_id=need_id,
            need_organization_id=poster,
            resource_id="e" * 32,
            resource_organization_id=supplier,
        )
        return encode(MatchAccepted(source="/test", subject=proposal_id, data=data))

    # A proposal's events are keyed by its id, so two proposals may be handled in either order:
    # the second is sent once the first (delivered twice) has become the claim.
    await send_raw(stack.kafka, stack.topic(MATCHING_TOPIC), [accepted("1" * 32), accepted("1" * 32)])
    assert "claim.made" in [e["type"] for e in await events_about(stack, need_id, count=3)]
    await send_raw(stack.kafka, stack.topic(MATCHING_TOPIC), [accepted("2" * 32)])

    refusal = [e for e in await events_about(stack, need_id, count=4) if e["type"] == "claim.refused"]
    assert refusal[0]["data"]["proposal_id"] == "2" * 32
    claims = (await api.get("needs", f"/needs/{need_id}"))["claims"]
    assert [(c["id"], c["organization_id"], c["proposal_id"]) for c in claims] == [("1" * 32, supplier, "1" * 32)]


def png(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


async def test_a_micro_wish_from_post_to_thank_you_letter(
    api: PlatformApi, stack: TestStack, http: httpx.AsyncClient
) -> None:
    area = new_community()
    unit, rival = [await api.register_organization(n, area) for n in ("心愿认领党支部", "另一家单位")]
    resident = Actor(kind=ActorKind.RESIDENT, resident_id="d" * 32, area_code=area)
    neighbour = Actor(kind=ActorKind.RESIDENT, resident_id="e" * 32, area_code=area)
    worker = Actor(kind=ActorKind.AREA_ADMIN, area_code=area)
    wish = await api.post("needs", "/wishes", {"resident_name": "王阿姨", "title": "想要一台收音机"}, actor=resident)
    on_behalf = {"resident_id": "c" * 32, "area_code": area, "resident_name": "李大爷", "title": "修理轮椅"}
    await api.post("needs", "/wishes", on_behalf, actor=worker)
    path = f"/wishes/{wish['id']}"
    await api.get("needs", path, 404, actor=neighbour)

    await api.post("needs", path + "/claim", {}, 200, actor=organization(unit))
    await api.post("needs", path + "/claim", {}, 409, actor=organization(rival))
    url = stack.url("needs") + path + "/proof"
    as_unit = acting(organization(unit))
    not_a_photo = await http.post(url, files={"photo": ("x.png", b"<svg/>", "image/png")}, headers=as_unit)
    assert not_a_photo.status_code == 422 and "JPEG, PNG or WebP" in not_a_photo.text
    too_big = await http.post(url, files={"photo": ("x.png", png() + b"\0" * 6_000_000, "image/png")}, headers=as_unit)
    assert too_big.status_code in (413, 422)
    photo = png(4, 4)
    done = await http.post(url, files={"photo": ("done.png", photo, "image/png")}, headers=as_unit)
    assert done.status_code == 200, done.text
    assert done.json()["proof"]["size"] == len(photo) and done.json()["proof"]["content_type"] == "image/png"
    await api.post("needs", path + "/confirm", {}, 403, actor=neighbour)
    await api.post("needs", path + "/confirm", {}, 200, actor=resident)

    letter = await http.get(stack.url("needs") + path + "/thank-you", headers=acting(organization(unit)))
    assert letter.status_code == 200 and "心愿认领党支部" in letter.text and "想要一台收音机" in letter.text
    letters = await api.get("needs", "/thank-you-letters", actor=organization(unit))
    assert [w["id"] for w in letters["items"]] == [wish["id"]]
    assert (await http.get(stack.url("needs") + path + "/proof", headers=acting(resident))).content == photo
    mine = await api.get("needs", "/wishes", actor=resident)
    assert [w["title"] for w in mine["items"]] == ["想要一台收音机"]
    types = [e["type"] for e in await events_about(stack, wish["id"], count=4)]
    assert types == ["wish.posted", "wish.claimed", "wish.completed", "wish.confirmed"]


async def test_an_administrator_imports_the_past_once_and_it_counts_by_month(
    api: PlatformApi, stack: TestStack
) -> None:
    area = new_community()
    poster, helper = [await api.register_organization(n, area) for n in ("历史需方", "历史志愿队")]
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=area[:6])

    def past(need_id: str, posted: datetime, helper_id: str) -> dict[str, Any]:
        made = posted + timedelta(hours=3)
        claim = {
            "organization_id": helper_id,
            "made_at": made.isoformat(),
            "completed_at": (made + timedelta(days=2)).isoformat(),
        }
        return {
            "id": need_id,
            "organization_id": poster,
            "title": "空调清洗",
            "category": "appliance_cleaning",
            "area_code": area,
            "quantity": 2,
            "posted_at": posted.isoformat(),
            "fulfilled_at": (posted + timedelta(days=5)).isoformat(),
            "claims": [claim, claim],
        }

    history = {"needs": [past(uuid4().hex, datetime(2025, 1, 5, tzinfo=UTC), helper) for _ in range(3)]}
    assert await api.post("needs", "/needs/history", history, 200, actor=admin) == {"imported": 3, "already_there": 0}
    assert await api.post("needs", "/needs/history", history, 200, actor=admin) == {"imported": 0, "already_there": 3}
    refused = {"needs": [past(uuid4().hex, datetime(2025, 2, 5, tzinfo=UTC), "0" * 32)]}
    await api.post("needs", "/needs/history", refused, 422, actor=admin)
    await api.post("needs", "/needs/history", history, 403, actor=organization(poster))

    stats = await api.get("needs", "/stats", area_code=area)
    assert stats["by_month"] == {"2025-01": {"posted": 3, "claims": 6, "fulfilled": 3}}
    assert stats["totals"] == {"posted": 3, "claims": 6, "fulfilled": 3, "open": 0, "overdue": 0}
