"""Webhook deliveries shared by several gateway processes, against the real MongoDB-compatible
server: each due delivery goes out from one of them, once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from pymongo.asynchronous.database import AsyncDatabase

from contract.events.needs import NeedPosted, NeedPostedData
from contract.ids import new_id
from contract.taxonomy import Category
from devkit.testing import partner_endpoint
from gateway.webhooks import service as webhooks
from gateway.webhooks.destinations import Destinations, networks
from gateway.webhooks.schemas import WebhookCreate
from gateway.webhooks.service import Webhooks, partner_session
from runtime.mongo import Document

pytestmark = pytest.mark.stack

ORGANIZATION = "o" * 32
LOOPBACK = Destinations(networks("127.0.0.1/32"), own=[])  # as the test stack allows


@pytest.fixture
async def partner() -> AsyncIterator[tuple[Counter[str], str]]:
    """A partner's endpoint that takes its time answering, and counts what it got by delivery."""
    received: Counter[str] = Counter()

    async def handle(request: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        received[request.headers["X-PBS-Delivery"]] += 1
        return web.Response(status=204)

    async with partner_endpoint(handle) as url:
        yield received, url


def need_posted() -> NeedPosted:
    need_id = new_id()
    data = NeedPostedData(
        need_id=need_id,
        organization_id=ORGANIZATION,
        title="居民法律咨询",
        category=Category.LEGAL_AID,
        area_code="350102001001",
        quantity=1,
    )
    return NeedPosted(source="/tests", subject=need_id, data=data)


async def test_two_gateway_processes_send_each_due_delivery_once(
    db: AsyncDatabase[Document], partner: tuple[Counter[str], str]
) -> None:
    received, url = partner
    async with partner_session(LOOPBACK, 5) as http:
        first, second = Webhooks(db, http, LOOPBACK), Webhooks(db, http, LOOPBACK)
        await first.subscribe(ORGANIZATION, WebhookCreate.model_validate({"url": url}))
        for _ in range(30):
            await first.on_event(need_posted())

        taken = await asyncio.gather(first.deliver_due(), second.deliver_due(), first.deliver_due())

    assert sum(taken) == 30
    assert len(received) == 30 and set(received.values()) == {1}
    states = await db["webhook_deliveries"].distinct("state")
    assert states == ["delivered"]
    assert await first.deliver_due() == 0


async def test_a_delivery_whose_taker_died_goes_out_when_its_lease_runs_out(
    db: AsyncDatabase[Document], partner: tuple[Counter[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks, "LEASE", timedelta(seconds=1))
    received, url = partner
    async with partner_session(LOOPBACK, 5) as http:
        died, alive = Webhooks(db, http, LOOPBACK), Webhooks(db, http, LOOPBACK)
        await died.subscribe(ORGANIZATION, WebhookCreate.model_validate({"url": url}))
        await died.on_event(need_posted())
        delivery = await db["webhook_deliveries"].find_one({})
        assert delivery is not None and await died._take(delivery)  # ... and sends nothing

        assert await alive.deliver_due() == 0  # leased
        await asyncio.sleep(1.2)
        assert await alive.deliver_due() == 1

    assert list(received.values()) == [1]


async def test_a_delivery_is_checked_again_where_it_goes_and_never_sent_inside(
    db: AsyncDatabase[Document], partner: tuple[Counter[str], str]
) -> None:
    received, url = partner
    named = url.replace("127.0.0.1", "localhost")  # a name: checked when resolved, at delivery
    loopback = Destinations(networks("127.0.0.1/32, ::1/128"), own=[])  # localhost may be either
    nowhere = Destinations(networks(""), own=[])  # as deployed: loopback is not allowed
    async with partner_session(loopback, 5) as allowed, partner_session(nowhere, 5) as guarded:
        for target in (url, named):
            subscribing = Webhooks(db, allowed, loopback)
            subscription = await subscribing.subscribe(ORGANIZATION, WebhookCreate.model_validate({"url": target}))
            delivering = Webhooks(db, guarded, nowhere)
            await delivering.on_event(need_posted())
            assert await delivering.deliver_due() >= 1
            log = await delivering.log_of(ORGANIZATION, subscription["_id"])
            assert [(d["state"], d["last_answer"]) for d in log] == [("pending", "refused")], target
            await subscribing.unsubscribe(ORGANIZATION, subscription["_id"])
    assert not received


async def test_only_the_types_some_subscription_takes_are_wanted(db: AsyncDatabase[Document]) -> None:
    async with partner_session(LOOPBACK, 5) as http:
        hooks = Webhooks(db, http, LOOPBACK)
        assert not await hooks.wants("need.posted")  # no subscription: the consumer parses nothing

        await hooks.subscribe(
            ORGANIZATION, WebhookCreate.model_validate({"url": "http://127.0.0.1/a", "types": ["need"]})
        )
        await hooks.subscribe(
            "p" * 32, WebhookCreate.model_validate({"url": "http://127.0.0.1/b", "types": ["match.proposed"]})
        )
        wanted = {t: await hooks.wants(t) for t in ("need.posted", "match.proposed", "match.accepted", "member.joined")}
        assert wanted == {"need.posted": True, "match.proposed": True, "match.accepted": False, "member.joined": False}

        await hooks.subscribe("q" * 32, WebhookCreate.model_validate({"url": "http://127.0.0.1/c"}))
        assert await hooks.wants("member.joined")  # a subscription of every type
