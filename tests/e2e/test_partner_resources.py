"""Partners share venues and book them through the gateway's API with their registry keys."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from contract.opening_hours import LOCAL
from devkit.testing import PlatformApi, TestStack

pytestmark = pytest.mark.stack

AREA = "350111004001"


async def test_a_partner_shares_a_venue_another_books_it_and_neither_touches_the_others(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    owner = await api.register_organization("某社区党群服务中心", AREA, kind="party_committee")
    booker = await api.register_organization("某企业党支部", AREA)
    owner_key = await api.issue_key(owner, ["read", "resources:write"])
    booker_key = await api.issue_key(booker, ["read", "resources:write"])
    reads_only = await api.issue_key(booker, ["read"])
    base = stack.url("gateway") + "/api/v1"
    venue = {"kind": "venue", "name": "多功能厅", "category": "venue", "area_code": AREA, "capacity": 60}
    venue |= {"lat": 26.05, "lon": 119.33}

    shared = await http.post(f"{base}/resources", json=venue, headers=owner_key)
    assert shared.status_code == 201, shared.text
    venue_id = shared.json()["id"]
    assert shared.json()["organization_id"] == owner
    foreign = await http.post(f"{base}/resources", json={**venue, "organization_id": booker}, headers=owner_key)
    assert foreign.status_code == 403

    start = (datetime.now(LOCAL) + timedelta(days=3)).replace(hour=19, minute=0, second=0, microsecond=0)
    slot = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
    assert (await http.post(f"{base}/venues/{venue_id}/bookings", json=slot, headers=reads_only)).status_code == 403
    booked = await http.post(f"{base}/venues/{venue_id}/bookings", json=slot, headers=booker_key)
    assert booked.status_code == 201 and booked.json()["organization_id"] == booker
    again = await http.post(f"{base}/venues/{venue_id}/bookings", json=slot, headers=owner_key)
    assert again.status_code == 409

    assert (await http.post(f"{base}/resources/{venue_id}/withdraw", headers=booker_key)).status_code == 403
    calendar = await http.get(
        f"{base}/venues/{venue_id}/calendar", params={"from": start.isoformat()}, headers=reads_only
    )
    assert [e["booking_id"] for e in calendar.json()] == [booked.json()["id"]]
    feed = await http.get(
        f"{base}/venues/{venue_id}/calendar.ics", params={"from": start.isoformat()}, headers=reads_only
    )
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content
    mine = (await http.get(f"{base}/bookings", headers=owner_key)).json()
    assert [b["id"] for b in mine["items"]] == [booked.json()["id"]]
    cancelled = await http.post(f"{base}/bookings/{booked.json()['id']}/cancel", headers=booker_key)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
