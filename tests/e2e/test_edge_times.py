"""Times at the very edges of the calendar, and two requests making one thing at once: each gets
a 4xx naming what is wrong, never a 5xx, and nothing is written."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, organization

pytestmark = pytest.mark.stack

AREA = "350102011001"
# Each overflows when moved to UTC or a day is added to it: year 10000 and year 0 do not exist.
EDGES = ["9999-12-31T23:30:00-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "1900-01-01T00:00:00Z"]
HALF_HOUR = "2030-06-01T10:00:00+08:00"


@pytest.fixture(scope="module")
async def place(stack: TestStack) -> dict[str, str]:
    """An organisation with a need, an activity and a venue, and another to claim and book."""
    async with httpx.AsyncClient(timeout=10) as http:
        api = PlatformApi(stack, http)
        host = await api.register_organization("边界时间测试社区", AREA)
        guest = await api.register_organization("边界时间测试支部", AREA)
        need = await api.post_need(host, "legal_aid", AREA)
        venue = await api.share_resource(host, "venue", AREA)
        return {"host": host, "guest": guest, "need": need, "venue": venue}


def _requests(place: dict[str, str], edge: str) -> list[tuple[str, str, str, dict[str, Any] | None, str, str]]:
    """(service, method, path, body, acting organisation, the field the refusal must name)."""
    booking = {"starts_at": edge, "ends_at": HALF_HOUR, "attendees": 1}
    return [
        (
            "needs",
            "POST",
            "/needs",
            {"title": "t", "category": "legal_aid", "area_code": AREA, "starts_at": edge},
            "host",
            "starts_at",
        ),
        ("needs", "POST", f"/needs/{place['need']}/claims", {"start_by": edge}, "guest", "start_by"),
        ("needs", "PATCH", f"/needs/{place['need']}", {"deadline": edge}, "host", "deadline"),
        ("needs", "GET", f"/needs?starts_from={edge}", None, "guest", "starts_from"),
        (
            "needs",
            "POST",
            "/activities",
            {
                "title": "t",
                "category": "legal_aid",
                "area_code": AREA,
                "starts_at": edge,
                "ends_at": HALF_HOUR,
                "places": 5,
            },
            "host",
            "starts_at",
        ),
        ("resources", "POST", f"/venues/{place['venue']}/bookings", booking, "guest", "starts_at"),
        (
            "resources",
            "POST",
            f"/venues/{place['venue']}/bookings/series",
            {**booking, "repeat": "weekly", "count": 2},
            "guest",
            "starts_at",
        ),
        (
            "resources",
            "POST",
            "/bookings/import",
            {"bookings": [{"id": "0" * 32, "venue_id": place["venue"], "organization_id": place["guest"], **booking}]},
            "guest",
            "starts_at",
        ),
        ("resources", "GET", f"/venues/{place['venue']}/calendar?from={edge}", None, "guest", "from"),
        ("resources", "GET", f"/resources?free_from={edge}&free_to={HALF_HOUR}", None, "guest", "free_from"),
    ]


@pytest.mark.parametrize("edge", EDGES)
async def test_a_time_out_of_the_platforms_reach_is_a_422_naming_the_field(
    edge: str, place: dict[str, str], stack: TestStack, http: httpx.AsyncClient
) -> None:
    answers = []
    for service, method, path, body, who, field in _requests(place, edge):
        headers = acting(organization(place[who]))
        response = await http.request(method, stack.url(service) + path.replace("+", "%2B"), json=body, headers=headers)
        refused = response.json() if response.status_code == 422 else {}
        fields = [f["field"] for f in refused.get("error", {}).get("fields", [])]
        if not any(f.endswith(field) for f in fields):
            answers.append(f"{method} {path} → {response.status_code} {response.text[:200]}")
    assert answers == []


async def test_a_series_until_a_day_out_of_reach_is_a_422(
    place: dict[str, str], stack: TestStack, http: httpx.AsyncClient
) -> None:
    body = {"starts_at": HALF_HOUR, "ends_at": "2030-06-01T11:00:00+08:00", "repeat": "monthly", "until": "9999-12-31"}
    response = await http.post(
        stack.url("resources") + f"/venues/{place['venue']}/bookings/series",
        json=body,
        headers=acting(organization(place["guest"])),
    )
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "body.until"


async def test_one_area_made_by_many_at_once_is_made_once_and_the_others_told_409(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    await PlatformApi(stack, http).ensure_area(AREA)
    code = f"{AREA[:9]}{uuid.uuid4().int % 900 + 100}"
    body = {"code": code, "name": "并发社区", "level": "community", "parent_code": AREA[:9]}
    url = stack.url("organizations") + "/areas"

    answers = await asyncio.gather(*(http.post(url, json=body, headers=acting(PLATFORM)) for _ in range(20)))

    assert sorted(a.status_code for a in answers) == [201] + [409] * 19, [
        a.text for a in answers if a.status_code >= 500
    ]
