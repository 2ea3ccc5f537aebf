"""The partner API's protections: Idempotency-Key on POST, a rate limit per key, one
organisation's key kept out of another's data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from contract.opening_hours import LOCAL
from devkit.testing import PlatformApi, TestStack

pytestmark = pytest.mark.stack

AREA = "350111005001"


async def test_a_post_repeated_with_its_idempotency_key_is_answered_once(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("某社区党委", AREA, kind="party_committee")
    key = await api.issue_key(poster, ["read", "needs:write"])
    url = stack.url("gateway") + "/api/v1/needs"
    body = {"title": "居民法律咨询", "category": "legal_aid", "area_code": AREA, "quantity": 2}

    first = await http.post(url, json=body, headers={**key, "Idempotency-Key": "order-1"})
    again = await http.post(url, json=body, headers={**key, "Idempotency-Key": "order-1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers["idempotent-replayed"] == "true"
    listed = (await http.get(url, params={"organization_id": poster}, headers=key)).json()["items"]
    assert [n["id"] for n in listed] == [first.json()["id"]]

    other = await http.post(url, json={**body, "quantity": 3}, headers={**key, "Idempotency-Key": "order-1"})
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    new = await http.post(url, json=body, headers={**key, "Idempotency-Key": "order-2"})
    assert new.status_code == 201 and new.json()["id"] != first.json()["id"]
    refused = await http.post(url, json={**body, "quantity": 0}, headers={**key, "Idempotency-Key": "order-3"})
    replayed = await http.post(url, json={**body, "quantity": 0}, headers={**key, "Idempotency-Key": "order-3"})
    assert refused.status_code == replayed.status_code == 422  # a refusal is an answer too
    assert (await http.post(url, json=body, headers={**key, "Idempotency-Key": ""})).status_code == 400


@pytest.fixture
def strict_gateway(stack: TestStack) -> Iterator[str]:
    gateway = stack.services["gateway"]
    gateway.restart(rate_limit_per_minute="60", rate_limit_burst="3", key_failures_per_minute="5")
    try:
        yield gateway.url
    finally:
        gateway.restart()


async def test_a_key_over_its_rate_limit_is_told_when_to_come_back(
    strict_gateway: str, stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    org = await api.register_organization("某企业党支部", AREA)
    key = await api.issue_key(org, ["read"])
    other = await api.issue_key(await api.register_organization("另一党支部", AREA), ["read"])
    answers = [await http.get(strict_gateway + "/api/v1/needs", headers=key) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].headers["retry-after"] == "1" and answers[-1].json()["error"]["code"] == "rate_limited"
    assert (await http.get(strict_gateway + "/api/v1/needs", headers=other)).status_code == 200  # per key


async def test_keys_nobody_issued_are_limited_by_the_address_that_tries_them(
    strict_gateway: str, stack: TestStack, http: httpx.AsyncClient
) -> None:
    guesses = [{"Authorization": f"Bearer pbs_{i:032x}_guess"} for i in range(7)]
    answers = [await http.get(strict_gateway + "/api/v1/needs", headers=guess) for guess in guesses]
    assert [a.status_code for a in answers] == [401] * 5 + [429] * 2
    assert "refused API keys from this address" in answers[-1].json()["error"]["message"]


async def test_a_key_of_one_organisation_cannot_touch_anothers_venue_or_booking(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    owner = await api.register_organization("某社区党群服务中心", AREA, kind="party_committee")
    booker = await api.register_organization("某企业党支部", "350111005002")
    stranger = await api.register_organization("某学校党支部", "350111005003")
    owner_key, booker_key, stranger_key = [
        await api.issue_key(o, ["read", "resources:write", "matches:decide"]) for o in (owner, booker, stranger)
    ]
    base = stack.url("gateway") + "/api/v1"
    venue = {"kind": "venue", "name": "活动室", "category": "venue", "area_code": AREA, "capacity": 30}
    venue_id = (
        await http.post(f"{base}/resources", json={**venue, "lat": 26.1, "lon": 119.3}, headers=owner_key)
    ).json()["id"]
    start = (datetime.now(LOCAL) + timedelta(days=4)).replace(hour=10, minute=0, second=0, microsecond=0)
    slot = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    booking = (await http.post(f"{base}/venues/{venue_id}/bookings", json=slot, headers=booker_key)).json()

    assert (
        await http.patch(f"{base}/resources/{venue_id}", json={"capacity": 1}, headers=stranger_key)
    ).status_code == 403
    assert (await http.post(f"{base}/resources/{venue_id}/withdraw", headers=stranger_key)).status_code == 403
    assert (await http.post(f"{base}/bookings/{booking['id']}/cancel", headers=stranger_key)).status_code == 404
    assert (await http.post(f"{base}/bookings/{booking['id']}/approve", headers=booker_key)).status_code == 403
    mine = (await http.get(f"{base}/bookings", headers=stranger_key)).json()["items"]
    assert booking["id"] not in {b["id"] for b in mine}
