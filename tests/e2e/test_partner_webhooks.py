"""Partners receive their organisation's events at their own URL, signed, retried until taken."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from devkit.testing import PlatformApi, TestStack, eventually, partner_endpoint

pytestmark = pytest.mark.stack

AREA = "350111009001"


class Receiver:
    """A partner's endpoint: refuses the first delivery it gets (a hiccup), keeps the others."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.refused = 0

    async def handle(self, request: web.Request) -> web.Response:
        if self.refused == 0:
            self.refused += 1
            return web.Response(status=503)
        self.received.append((dict(request.headers), await request.read()))
        return web.Response(status=204)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    partner = Receiver()
    async with partner_endpoint(partner.handle) as url:
        yield partner, url


async def test_a_partner_gets_its_organisations_events_signed_and_a_refused_one_again(
    receiver: tuple[Receiver, str], stack: TestStack, http: httpx.AsyncClient
) -> None:
    partner, url = receiver
    api = PlatformApi(stack, http)
    org = await api.register_organization("某社区党委", AREA, kind="party_committee")
    key = await api.issue_key(org, ["read", "needs:write"])
    base = stack.url("gateway") + "/api/v1"
    subscribed = await http.post(f"{base}/webhooks", json={"url": url, "types": ["need"]}, headers=key)
    assert subscribed.status_code == 201
    secret, webhook_id = subscribed.json()["secret"], subscribed.json()["id"]
    assert [w["id"] for w in (await http.get(f"{base}/webhooks", headers=key)).json()["items"]] == [webhook_id]
    assert "secret" not in (await http.get(f"{base}/webhooks", headers=key)).json()["items"][0]

    body = {"title": "居民法律咨询", "category": "legal_aid", "area_code": AREA, "quantity": 2}
    need = (await http.post(f"{base}/needs", json=body, headers=key)).json()

    async def delivered() -> tuple[dict[str, str], bytes]:
        assert partner.received, "nothing delivered yet"
        return partner.received[0]

    headers, raw = await eventually(delivered, within=30)  # the first try was refused: this is a retry
    event: dict[str, Any] = json.loads(raw)
    assert (event["type"], event["data"]["need_id"]) == ("need.posted", need["id"])
    timestamp, signature = (part.split("=", 1)[1] for part in headers["X-PBS-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected) and headers["X-PBS-Event"] == "need.posted"
    log = (await http.get(f"{base}/webhooks/{webhook_id}/deliveries", headers=key)).json()["items"]
    assert [(d["state"], d["attempts"], d["last_answer"]) for d in log] == [("delivered", 2, "5xx")]  # not 503

    other = await api.issue_key(await api.register_organization("别的党支部", AREA), ["read"])
    assert (await http.get(f"{base}/webhooks/{webhook_id}/deliveries", headers=other)).status_code == 404
    assert (await http.delete(f"{base}/webhooks/{webhook_id}", headers=other)).status_code == 404
    assert (await http.delete(f"{base}/webhooks/{webhook_id}", headers=key)).status_code == 204


async def test_a_partner_reads_its_organisations_events_live_as_a_stream(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    org = await api.register_organization("某街道党工委", "350111009002", kind="party_committee")
    key = await api.issue_key(org, ["read", "needs:write"])
    base = stack.url("gateway") + "/api/v1"
    async with (
        httpx.AsyncClient(timeout=30) as streaming,
        streaming.stream("GET", f"{base}/events/stream", headers=key) as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert await anext(lines) == ": connected"
        body = {"title": "社区文艺汇演", "category": "culture", "area_code": "350111009002", "quantity": 3}
        need = (await http.post(f"{base}/needs", json=body, headers=key)).json()

        async def next_event() -> dict[str, str]:
            fields: dict[str, str] = {}
            async for line in lines:
                if not line:
                    if "data" in fields:
                        return fields
                    continue
                name, _, value = line.partition(": ")
                fields[name] = value
            raise AssertionError("the stream ended")

        event = await asyncio.wait_for(next_event(), 20)
        assert event["event"] == "need.posted" and json.loads(event["data"])["data"]["need_id"] == need["id"]


async def test_a_webhook_may_not_point_inside_the_platform(stack: TestStack, http: httpx.AsyncClient) -> None:
    api = PlatformApi(stack, http)
    key = await api.issue_key(await api.register_organization("想看内网的伙伴", AREA), ["read"])
    base = stack.url("gateway") + "/api/v1"
    inside = [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hooks",
        "http://[::1]:8000/hooks",
        "http://192.168.0.1/hooks",
        stack.url("needs") + "/needs",  # on 127.0.0.1, which the test stack allows for partners, but the platform's
        stack.url("gateway") + "/api/v1/needs",
    ]
    for url in inside:
        refused = await http.post(f"{base}/webhooks", json={"url": url}, headers=key)
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "url", (url, refused.text)
    assert (await http.get(f"{base}/webhooks", headers=key)).json()["items"] == []
