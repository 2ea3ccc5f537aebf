"""The points service on the real Kafka and FerretDB: earning from the needs' and resources'
events once each, under the rules in force and their daily cap; balances recounted from the
postings; the rules changed by a city's administrator only; accounts read by their owners only."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from pymongo import AsyncMongoClient

from contract.events import NEEDS_TOPIC, POINTS_TOPIC, RESOURCES_TOPIC, Envelope
from contract.events.needs import (
    ClaimCompleted,
    ClaimData,
    NeedPosted,
    NeedPostedData,
    WishConfirmed,
    WishData,
    WishStatus,
)
from contract.events.resources import RequestStatus, ServiceRequestCompleted, ServiceRequestData
from contract.taxonomy import Category
from devkit.testing import (
    PLATFORM,
    PlatformApi,
    TestStack,
    acting,
    eventually,
    organization,
    read_topic,
    send_raw,
    wait_consumed,
)
from runtime.actors import Actor, ActorKind
from runtime.kafka import encode
from runtime.mongo import Document

pytestmark = pytest.mark.stack

COMMUNITY = "350121990001"
CITY_ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code="350100")


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def new_id() -> str:
    return uuid4().hex


def need_posted(
    need_id: str, poster: str, hours: float | None, category: Category = Category.VOLUNTEERING
) -> NeedPosted:
    starts = datetime.now(UTC) + timedelta(days=1)
    window = {"starts_at": starts, "ends_at": starts + timedelta(hours=hours)} if hours else {}
    data = NeedPostedData(
        need_id=need_id,
        organization_id=poster,
        title="助老",
        category=category,
        area_code=COMMUNITY,
        quantity=10,
        **window,
    )
    return NeedPosted(source="needs", subject=need_id, data=data)


def claim_completed(
    need_id: str, poster: str, claimer: str, served: int, member_id: str | None = None
) -> ClaimCompleted:
    claim_id = new_id()
    data = ClaimData(
        claim_id=claim_id,
        need_id=need_id,
        need_organization_id=poster,
        organization_id=claimer,
        member_id=member_id,
        quantity=served,
        served=served,
    )
    return ClaimCompleted(source="needs", subject=claim_id, data=data)


async def deliver(stack: TestStack, *events: Envelope, topic: str = NEEDS_TOPIC) -> None:
    """Publishes the events on `topic` and waits until the points service consumed them."""
    sent = await send_raw(stack.kafka, stack.topic(topic), [encode(e) for e in events])
    await wait_consumed(stack.kafka, stack.group("points"), sent)


async def postings(api: PlatformApi, account: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await api.get("points", f"/accounts/{account}/postings", actor=PLATFORM))["items"]
    return items


async def test_a_claim_completed_delivered_twice_posts_once_naming_the_rule_version(
    api: PlatformApi, stack: TestStack
) -> None:
    rules = await api.get("points", "/rules")
    poster, claimer, member = new_id(), new_id(), new_id()
    need_id = new_id()
    claim = claim_completed(need_id, poster, claimer, served=3, member_id=member)
    await deliver(stack, need_posted(need_id, poster, hours=2))
    await deliver(stack, claim, claim)

    account = f"member:{member}"
    balance = await api.get("points", f"/accounts/{account}/balance", actor=PLATFORM)
    assert (balance["points"], balance["minutes"]) == (rules["points_per_person_time"] * 3, 120 * 3)
    posted = await postings(api, account)
    assert sorted((p["unit"], p["cause_event_id"], p["counterpart"]) for p in posted) == [
        ("minutes", claim.id, "city"),
        ("points", claim.id, "city"),
    ]
    assert {p["rule_version"] for p in posted} == {rules["version"]}


async def test_the_daily_cap_holds_and_ones_own_need_earns_nothing(api: PlatformApi, stack: TestStack) -> None:
    rules = await api.get("points", "/rules")
    poster, claimer = new_id(), new_id()
    need_id = new_id()
    each = rules["daily_cap"] // 3 + 1  # three of them pass the cap
    served = -(-each // rules["points_per_person_time"])
    claims = [claim_completed(need_id, poster, claimer, served=served) for _ in range(4)]
    await deliver(
        stack, need_posted(need_id, poster, hours=None), *claims, claim_completed(need_id, claimer, claimer, 5)
    )

    balance = await api.get("points", f"/accounts/organization:{claimer}/balance", actor=organization(claimer))
    assert balance["points"] == rules["daily_cap"]
    assert balance["minutes"] == rules["minutes_per_person_time"] * served * 4  # hours are not capped
    points = [p for p in await postings(api, f"organization:{claimer}") if p["unit"] == "points"]
    assert len(points) == 3  # the fourth found nothing left of the day's cap


async def test_a_run_of_claims_on_one_partition_posts_a_redelivered_one_once_within_the_cap(
    api: PlatformApi, stack: TestStack
) -> None:
    rules = await api.get("points", "/rules")
    poster, claimer, need_id = new_id(), new_id(), new_id()
    each = rules["daily_cap"] // 3 + 1
    served = -(-each // rules["points_per_person_time"])
    # keyed by their need, as the needs service's history sends them: one partition, read as one run
    claims = [
        claim_completed(need_id, poster, claimer, served).model_copy(update={"subject": need_id}) for _ in range(4)
    ]
    await deliver(stack, need_posted(need_id, poster, hours=2), claims[0], claims[1], claims[0], claims[2], claims[3])

    balance = await api.get("points", f"/accounts/organization:{claimer}/balance", actor=organization(claimer))
    assert (balance["points"], balance["minutes"]) == (rules["daily_cap"], 120 * served * 4)
    posted = await postings(api, f"organization:{claimer}")
    assert len([p for p in posted if p["unit"] == "points"]) == 3 and len(posted) == 3 + 4


async def test_every_running_balance_equals_the_sum_of_its_postings(
    api: PlatformApi, stack: TestStack, mongo: AsyncMongoClient[Document]
) -> None:
    poster, claimer, member = new_id(), new_id(), new_id()
    need_id = new_id()
    await deliver(
        stack,
        need_posted(need_id, poster, hours=1.5, category=Category.ELDERLY_CARE),
        claim_completed(need_id, poster, claimer, 2),
        claim_completed(need_id, poster, claimer, 1, member_id=member),
    )

    recount: Counter[tuple[str, str]] = Counter()
    async for movement in mongo[stack.database("points")]["movements"].find():
        assert movement["amount"] > 0 and sum(p["amount"] for p in movement["postings"]) == 0
        for posting in movement["postings"]:
            recount[posting["account"], movement["unit"]] += posting["amount"]
    assert {account for account, _ in recount} >= {"city", f"organization:{claimer}", f"member:{member}"}
    for account in {account for account, _ in recount}:
        balance = await api.get("points", f"/accounts/{account}/balance", actor=PLATFORM)
        assert (balance["points"], balance["minutes"]) == (recount[account, "points"], recount[account, "minutes"])


async def test_a_confirmed_wish_and_a_completed_service_request_earn_their_organisations_announced(
    api: PlatformApi, stack: TestStack
) -> None:
    rules = await api.get("points", "/rules")
    helper, provider = new_id(), new_id()
    wish_id, request_id = new_id(), new_id()
    wish = WishData(
        wish_id=wish_id, area_code=COMMUNITY, status=WishStatus.CONFIRMED, claimer_organization_id=helper, version=4
    )
    confirmed = WishConfirmed(source="needs", subject=wish_id, data=wish)
    request = ServiceRequestData(
        request_id=request_id,
        resource_id=new_id(),
        provider_organization_id=provider,
        organization_id=new_id(),
        period="2026-12",
        quantity=1,
        status=RequestStatus.COMPLETED,
    )
    completed = ServiceRequestCompleted(source="resources", subject=request_id, data=request)
    await deliver(stack, confirmed)
    await deliver(stack, completed, topic=RESOURCES_TOPIC)

    for owner, points in ((helper, rules["points_per_wish"]), (provider, rules["points_per_service_request"])):
        balance = await api.get("points", f"/accounts/organization:{owner}/balance", actor=organization(owner))
        assert (balance["points"], balance["minutes"]) == (points, 0)

    def announced(records: list[Any]) -> list[dict[str, Any]]:
        events = [json.loads(r.value) for r in records]
        return [e for e in events if e["data"].get("cause_event_id") in (confirmed.id, completed.id)]

    records = await read_topic(stack.kafka, stack.topic(POINTS_TOPIC), until=lambda got: len(announced(got)) == 2)
    assert sorted((e["type"], e["data"]["to_account"]) for e in announced(records)) == sorted(
        [("points.posted", f"organization:{helper}"), ("points.posted", f"organization:{provider}")]
    )


async def test_a_restarted_service_answers_the_same_balances_loaded_from_the_movements(
    api: PlatformApi, stack: TestStack
) -> None:
    claimer, need_id = new_id(), new_id()
    await deliver(stack, claim_completed(need_id, new_id(), claimer, 2))
    account = f"organization:{claimer}"
    before = [await api.get("points", f"/accounts/{name}/balance", actor=PLATFORM) for name in (account, "city")]

    await asyncio.to_thread(stack.services["points"].restart)

    after = [await api.get("points", f"/accounts/{name}/balance", actor=PLATFORM) for name in (account, "city")]
    assert after == before and before[0]["points"] > 0


async def test_the_rules_are_changed_by_a_city_administrator_only_and_validated_first(
    api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
) -> None:
    before = await api.get("points", "/rules")
    terms = {k: v for k, v in before.items() if k not in ("version", "made_at", "made_by")}
    url = stack.url("points") + "/rules"
    community_admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)
    for stranger in (organization(new_id()), community_admin):
        refused = await http.put(url, json=terms, headers=acting(stranger))
        assert refused.status_code == 403, refused.text
    invalid = await http.put(url, json={**terms, "daily_cap": -5}, headers=acting(CITY_ADMIN))
    assert invalid.status_code == 422 and "daily_cap" in invalid.text
    assert (await api.get("points", "/rules"))["version"] == before["version"]  # nothing written

    changed = await http.put(url, json={**terms, "points_per_wish": 33}, headers=acting(CITY_ADMIN))
    assert changed.status_code == 200, changed.text
    now = await api.get("points", "/rules")
    assert (now["version"], now["points_per_wish"], now["made_by"]) == (before["version"] + 1, 33, "350100")
    restored = await http.put(url, json=terms, headers=acting(CITY_ADMIN))
    assert restored.status_code == 200


async def test_an_account_is_read_by_its_owner_and_refused_to_a_stranger(
    api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
) -> None:
    owner, member = new_id(), new_id()
    base = stack.url("points") + "/accounts"
    for account, reader in (
        (f"organization:{owner}", organization(owner)),
        (f"member:{member}", organization(new_id(), member_id=member)),
        (f"organization:{owner}", CITY_ADMIN),
    ):
        assert (await http.get(f"{base}/{account}/balance", headers=acting(reader))).status_code == 200
    for path in ("balance", "postings"):
        stranger = await http.get(f"{base}/organization:{owner}/{path}", headers=acting(organization(new_id())))
        assert stranger.status_code == 403, stranger.text
        assert (
            await http.get(f"{base}/member:{member}/{path}", headers=acting(organization(owner)))
        ).status_code == 403
        assert (await http.get(f"{base}/city/{path}", headers=acting(organization(owner)))).status_code == 403
        assert (await http.get(f"{base}/organization:{owner}/{path}")).status_code == 401


async def test_a_claim_completed_through_the_needs_service_earns_the_claimer_points(
    api: PlatformApi, stack: TestStack
) -> None:
    poster = await api.register_organization("求助社区党委", COMMUNITY)
    helper = await api.register_organization("积分志愿队", COMMUNITY)
    need_id = await api.post_need(poster, "volunteering", COMMUNITY, quantity=5)
    claim = await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 2}, actor=organization(helper))
    await api.post("needs", f"/needs/{need_id}/claims/{claim['id']}/complete", {}, 200, actor=organization(poster))

    async def earned() -> dict[str, Any]:
        balance: dict[str, Any] = await api.get(
            "points", f"/accounts/organization:{helper}/balance", actor=organization(helper)
        )
        assert balance["points"] > 0
        return balance

    rules = await api.get("points", "/rules")
    assert (await eventually(earned))["points"] == rules["points_per_person_time"] * 2
    board = (await api.get("points", "/leaderboard", area_code=COMMUNITY, unit="points", limit=200))["items"]
    ours = next(row for row in board if row["organization_id"] == helper)
    assert ours["points"] == rules["points_per_person_time"] * 2
    assert all(set(row) == {"rank", "organization_id", "points"} for row in board)
