"""Partners request each other's services through the gateway's API with their registry keys:
one shares, another requests, the provider accepts and completes; a stranger's key and a key
without the scope are refused and change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from contract.opening_hours import LOCAL
from devkit.testing import PlatformApi, TestStack

pytestmark = pytest.mark.stack

AREA = "350111005001"


async def test_a_partner_requests_anothers_service_which_accepts_and_completes_it(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    provider = await api.register_organization("某法律服务所党支部", AREA, kind="social_organization")
    requester = await api.register_organization("某社区党委", AREA, kind="party_committee")
    stranger = await api.register_organization("某企业党支部", AREA)
    provider_key = await api.issue_key(provider, ["read", "resources:write"])
    provider_reads = await api.issue_key(provider, ["read"])
    requester_key = await api.issue_key(requester, ["read", "resources:write"])
    requester_reads = await api.issue_key(requester, ["read"])
    stranger_key = await api.issue_key(stranger, ["read", "resources:write"])
    base = stack.url("gateway") + "/api/v1"
    service = {"kind": "service", "name": "法律咨询", "category": "legal_aid", "area_code": AREA, "capacity": 5}
    shared = await http.post(f"{base}/resources", json=service, headers=provider_key)
    assert shared.status_code == 201, shared.text
    service_id = shared.json()["id"]

    day = (datetime.now(LOCAL) + timedelta(days=4)).date().isoformat()
    body = {"organization_id": requester, "wanted_on": day, "quantity": 2, "note": "居民普法讲座"}
    url = f"{base}/resources/{service_id}/requests"
    assert (await http.post(url, json=body, headers=requester_reads)).status_code == 403
    foreign = await http.post(url, json={**body, "organization_id": stranger}, headers=requester_key)
    assert foreign.status_code == 403
    made = await http.post(url, json=body, headers=requester_key)
    assert made.status_code == 201, made.text
    request_id, period = made.json()["id"], made.json()["period"]
    assert (made.json()["organization_id"], made.json()["status"]) == (requester, "requested")

    async def state() -> tuple[str, dict[str, int]]:
        seen = await http.get(f"{base}/service-requests/{request_id}", headers=requester_key)
        resource = await http.get(f"{base}/resources/{service_id}", headers=requester_key)
        return seen.json()["status"], resource.json()["used"]

    act = f"{base}/service-requests/{request_id}"
    assert (await http.post(f"{act}/accept", headers=provider_reads)).status_code == 403  # no resources:write
    assert (await http.post(f"{act}/accept", headers=stranger_key)).status_code == 404  # not its to see
    assert (await http.post(f"{act}/accept", headers=requester_key)).status_code == 403  # not the provider
    assert await state() == ("requested", {})
    accepted = await http.post(f"{act}/accept", headers=provider_key)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert await state() == ("accepted", {period: 2})  # 3 of 5 left in that period

    assert (await http.post(f"{act}/complete", headers=provider_reads)).status_code == 403
    assert (await http.post(f"{act}/complete", headers=stranger_key)).status_code == 404
    assert (await http.post(f"{act}/complete", headers=requester_key)).status_code == 403
    assert (await http.post(f"{act}/cancel", headers=stranger_key)).status_code == 404
    assert (await http.get(act, headers=stranger_key)).status_code == 404
    assert await state() == ("accepted", {period: 2})
    completed = await http.post(f"{act}/complete", headers=provider_key)
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    again = await http.post(f"{act}/cancel", headers=requester_key)
    assert again.status_code == 409 and again.json()["error"]["status"] == "completed"

    for key in (provider_key, requester_key):
        listed: dict[str, Any] = (await http.get(f"{base}/service-requests", headers=key)).json()
        assert [(r["id"], r["status"]) for r in listed["items"]] == [(request_id, "completed")]
    assert (await http.get(f"{base}/service-requests", headers=stranger_key)).json()["items"] == []
    assert await state() == ("completed", {period: 2})
