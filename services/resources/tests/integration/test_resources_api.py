"""The resources service over HTTP, against the real Kafka and FerretDB and the other services."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import icalendar
import pytest
from pymongo import AsyncMongoClient

from contract.events import MATCHING_TOPIC, RESOURCES_TOPIC
from contract.events.matching import MatchAccepted, MatchAcceptedData
from contract.opening_hours import LOCAL as CST
from devkit.testing import (
    PlatformApi,
    TestStack,
    acting,
    eventually,
    organization,
    point_of,
    read_topic,
    send_raw,
)
from runtime.actors import Actor, ActorKind
from runtime.kafka import encode
from runtime.mongo import Document

pytestmark = pytest.mark.stack

DISTRICT = "350122"  # each test takes a street of its own below it
_streets = iter(range(100, 999))
CENTRE = (26.0745, 119.2965)


def new_community() -> str:
    return f"{DISTRICT}{next(_streets):03d}001"


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """`days` from today at `hour`:`minute`, China Standard Time."""
    day = datetime.now(CST) + timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def slot(days: int, hour: int, hours: int = 2, **extra: Any) -> dict[str, Any]:
    start = at(days, hour)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat(), **extra}


def resident(area_code: str) -> Actor:
    return Actor(kind=ActorKind.RESIDENT, resident_id=uuid4().hex, area_code=area_code)


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


async def events_about(stack: TestStack, subject: str, *, count: int) -> list[dict[str, Any]]:
    """The resources events of `subject`, once there are `count` of them."""

    def about(records: list[Any]) -> list[dict[str, Any]]:
        return [e for e in (json.loads(r.value) for r in records) if e["subject"] == subject]

    records = await read_topic(stack.kafka, stack.topic(RESOURCES_TOPIC), until=lambda rs: len(about(rs)) >= count)
    return about(records)


async def venue_of(api: PlatformApi, area: str, **extra: Any) -> tuple[str, str]:
    owner = await api.register_organization(f"场地单位{uuid4().hex[:6]}", area)
    return owner, await api.share_resource(owner, "venue", area, **extra)


async def test_500_concurrent_bookings_of_one_slot_confirm_exactly_one(
    api: PlatformApi, stack: TestStack, mongo: AsyncMongoClient[Document]
) -> None:
    area = new_community()
    _, venue = await venue_of(api, area, capacity=100)
    bookers = [await api.register_organization(f"预约单位{i}", area) for i in range(5)]
    url = stack.url("resources") + f"/venues/{venue}/bookings"
    body = slot(3, 19, purpose="主题党日")

    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=500)) as http:
        answers = await asyncio.gather(
            *(http.post(url, json=body, headers=acting(organization(bookers[i % 5]))) for i in range(500))
        )

    assert Counter(a.status_code for a in answers) == {201: 1, 409: 499}
    refused = next(a.json() for a in answers if a.status_code == 409)
    assert refused["error"]["code"] == "slot_taken"
    winner = next(a.json() for a in answers if a.status_code == 201)
    assert winner["status"] == "confirmed"
    calendar = await api.get("resources", f"/venues/{venue}/calendar", **{"from": at(3, 0).isoformat()})
    assert [e["booking_id"] for e in calendar] == [winner["id"]]
    slots = mongo[stack.database("resources")]["slots"]
    assert await slots.count_documents({"_id": {"$regex": f"^{venue}/"}}) == 4  # two hours of half hours


async def test_bookings_outside_the_rules_are_refused_with_the_reason(api: PlatformApi) -> None:
    area = new_community()
    owner, venue = await venue_of(api, area, capacity=20)
    booker = organization(await api.register_organization("预约党支部", area))
    url = f"/venues/{venue}/bookings"

    async def refused(body: dict[str, Any], status: int, actor: Actor = booker) -> str:
        message: str = (await api.post("resources", url, body, status, actor=actor))["error"]["message"]
        return message

    assert "begun" in await refused(slot(-1, 10), 422)
    assert "not open" in await refused(slot(2, 6), 422)  # opens at 08:00
    assert "holds 20" in await refused(slot(2, 10, attendees=21), 422)
    assert "half hour" in await refused({**slot(2, 10), "starts_at": at(2, 10, 10).isoformat()}, 422)
    await api.post("resources", url, slot(2, 10), actor=booker)
    assert "booked at" in await refused(slot(2, 11), 409)  # overlaps 10:00-12:00
    await api.post("resources", url, slot(2, 12), actor=booker)  # right after it: free
    await api.post("resources", url, {"starts_at": "x"}, 422, actor=booker)
    await api.post("resources", url, {**slot(2, 14), "attendees": {"$gt": 0}}, 422, actor=booker)
    await api.post("resources", url, slot(2, 14), 401)  # nobody acting
    await api.post("resources", f"/venues/{uuid4().hex}/bookings", slot(2, 14), 404, actor=booker)

    partners_only = await api.share_resource(owner, "venue", area, bookable_by="partners")
    await api.post("resources", f"/venues/{partners_only}/bookings", slot(2, 14), 403, actor=resident(area))
    # an organisation of the same area is no partner by being there (tests/e2e/test_partners.py: who is)
    await api.post("resources", f"/venues/{partners_only}/bookings", slot(2, 14), 403, actor=booker)
    area_only = await api.share_resource(owner, "venue", area, bookable_by="area")
    await api.post("resources", f"/venues/{area_only}/bookings", slot(2, 14), 403, actor=resident("350102001001"))
    await api.post("resources", f"/venues/{area_only}/bookings", slot(2, 14), actor=resident(area))

    await api.post("resources", f"/resources/{venue}/pause", {}, 403, actor=booker)
    await api.post("resources", f"/resources/{venue}/pause", {}, 200, actor=organization(owner))
    assert "paused" in await refused(slot(2, 16), 409)


async def test_a_venue_that_needs_approval_holds_the_slot_until_its_owner_decides(
    api: PlatformApi, stack: TestStack
) -> None:
    area = new_community()
    owner, venue = await venue_of(api, area, needs_approval=True)
    booker = organization(await api.register_organization("预约党支部", area))
    other = organization(await api.register_organization("另一党支部", area))

    requested = await api.post("resources", f"/venues/{venue}/bookings", slot(4, 9), actor=booker)
    assert requested["status"] == "requested"
    await api.post("resources", f"/venues/{venue}/bookings", slot(4, 9), 409, actor=other)  # held while waiting
    waiting = await api.get("resources", "/bookings?status=requested", actor=organization(owner))
    assert [b["id"] for b in waiting["items"]] == [requested["id"]]
    await api.post("resources", f"/bookings/{requested['id']}/approve", {}, 403, actor=booker)
    approved = await api.post("resources", f"/bookings/{requested['id']}/approve", {}, 200, actor=organization(owner))
    assert approved["status"] == "confirmed"

    second = await api.post("resources", f"/venues/{venue}/bookings", slot(5, 9), actor=other)
    declined = await api.post("resources", f"/bookings/{second['id']}/decline", {}, 200, actor=organization(owner))
    assert (declined["status"], declined["reason"]) == ("declined", "declined")
    await api.post("resources", f"/venues/{venue}/bookings", slot(5, 9), actor=booker)  # free again at once

    cancelled = await api.post("resources", f"/bookings/{requested['id']}/cancel", {}, 200, actor=booker)
    assert cancelled["status"] == "cancelled"
    await api.post("resources", f"/bookings/{requested['id']}/cancel", {}, 409, actor=booker)
    await api.post("resources", f"/bookings/{requested['id']}/cancel", {}, 404, actor=other)
    await api.post("resources", f"/bookings/{requested['id']}/no_show", {}, 409, actor=organization(owner))

    events = await events_about(stack, requested["id"], count=3)
    assert [e["type"] for e in events] == ["booking.requested", "booking.confirmed", "booking.cancelled"]
    assert events[-1]["data"]["reason"] == "cancelled"


async def test_a_monthly_series_books_every_7th_and_reports_each_conflict(api: PlatformApi) -> None:
    area = new_community()
    owner, venue = await venue_of(api, area)
    rescue_team = organization(await api.register_organization("蓝天救援队党支部", area))
    first = at(40, 19).replace(day=7)  # the 7th, 10 to 40 days ahead
    taken = first.replace(month=first.month % 12 + 1, year=first.year + (first.month == 12))
    await api.post(
        "resources",
        f"/venues/{venue}/bookings",
        {"starts_at": taken.isoformat(), "ends_at": (taken + timedelta(hours=1)).isoformat()},
        actor=organization(owner),
    )
    body = {"starts_at": first.isoformat(), "ends_at": (first + timedelta(hours=2)).isoformat(), "repeat": "monthly"}
    series = await api.post("resources", f"/venues/{venue}/bookings/series", {**body, "count": 6}, actor=rescue_team)

    assert (series["booked"], series["refused"]) == (5, 1)
    days = {datetime.fromisoformat(o["starts_at"]).astimezone(CST).day for o in series["occurrences"]}
    assert days == {7}
    refused = [o for o in series["occurrences"] if o["refused"]]
    assert datetime.fromisoformat(refused[0]["starts_at"]) == taken and "booked at" in refused[0]["refused"]
    assert {o["booking"]["series_id"] for o in series["occurrences"] if o["booking"]} == {series["series_id"]}

    weekly = {"starts_at": at(1, 10).isoformat(), "ends_at": at(1, 11).isoformat(), "repeat": "weekly"}
    await api.post("resources", f"/venues/{venue}/bookings/series", weekly, 422, actor=rescue_team)  # no count
    until = (at(1, 10) + timedelta(weeks=3)).date().isoformat()
    weeks = await api.post(
        "resources", f"/venues/{venue}/bookings/series", {**weekly, "until": until}, actor=rescue_team
    )
    assert weeks["booked"] == 4


async def test_the_calendar_reads_as_json_and_as_icalendar(
    api: PlatformApi, http: httpx.AsyncClient, stack: TestStack
) -> None:
    area = new_community()
    owner, venue = await venue_of(api, area)
    booker = organization(await api.register_organization("预约党支部", area))
    one = await api.post("resources", f"/venues/{venue}/bookings", slot(6, 9, purpose="党课"), actor=booker)
    two = await api.post("resources", f"/venues/{venue}/bookings", slot(6, 14, purpose="培训"), actor=booker)
    window = {"from": at(6, 0).isoformat(), "to": at(7, 0).isoformat()}

    public = await api.get("resources", f"/venues/{venue}/calendar", **window)
    assert [(e["booking_id"], e.get("purpose")) for e in public] == [(one["id"], None), (two["id"], None)]
    private = await api.get("resources", f"/venues/{venue}/calendar", actor=organization(owner), **window)
    assert [e["purpose"] for e in private] == ["党课", "培训"]

    feed = await http.get(stack.url("resources") + f"/venues/{venue}/calendar.ics", params=window)
    assert feed.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["uid"]).split("@")[0] for e in events] == [one["id"], two["id"]]
    assert events[0].decoded("dtstart") == datetime.fromisoformat(one["starts_at"])
    assert [str(e["summary"]) for e in events] == ["已预约", "已预约"]


async def test_search_finds_venues_free_between_two_times_within_3_km_nearest_first(api: PlatformApi) -> None:
    area = new_community()
    owner = await api.register_organization("场地单位", area)
    lat, lon = 24.5, 118.1  # a corner of the map of its own
    near = await api.share_resource(owner, "venue", area, lat=lat + 0.009, lon=lon, name="近")  # ~1 km
    nearest = await api.share_resource(owner, "venue", area, lat=lat, lon=lon + 0.001, name="最近")  # ~0.1 km
    booked = await api.share_resource(owner, "venue", area, lat=lat, lon=lon + 0.002, name="已订")
    await api.share_resource(owner, "venue", area, lat=lat + 0.05, lon=lon, name="远")  # ~5.6 km
    small = await api.share_resource(owner, "venue", area, lat=lat, lon=lon + 0.003, capacity=5, name="小")
    other_days = [d for d in range(1, 8) if d != at(8, 11).isoweekday()]  # open, but never on the day asked
    closed = await api.share_resource(
        owner, "venue", area, lat=lat, lon=lon + 0.0035, name="那天不开", opening_hours=[{"days": other_days}]
    )
    await api.post("resources", f"/venues/{booked}/bookings", slot(8, 10), actor=organization(owner))

    async def search(**params: Any) -> list[str]:
        page = await api.get("resources", "/resources", lat=lat, lon=lon, **params)
        return [r["id"] for r in page["items"]]

    free = {"free_from": at(8, 11).isoformat(), "free_to": at(8, 12).isoformat()}
    assert await search(**free) == [nearest, small, near]
    assert await search(**free, min_capacity=10) == [nearest, near]
    assert await search(within_km=0.5) == [nearest, booked, small, closed]
    assert await search(free_from=at(8, 12).isoformat(), free_to=at(8, 13).isoformat(), within_km=0.5) == [
        nearest,
        booked,
        small,
    ]
    assert (
        await search(free_from=at(8, 6).isoformat(), free_to=at(8, 7).isoformat(), within_km=0.5) == []
    )  # before 08:00
    first = await api.get("resources", "/resources", lat=lat, lon=lon, limit=2, **free)
    assert first["items"][0]["distance_km"] < 0.2 and first["next_cursor"] == small
    rest = await api.get("resources", "/resources", lat=lat, lon=lon, cursor=first["next_cursor"], **free)
    assert [r["id"] for r in rest["items"]] == [near]
    in_area = await api.get("resources", "/resources", area_code=area[:9], kind="venue")
    assert len(in_area["items"]) == 6
    await api.get("resources", "/resources", 422, lat=lat)
    await api.get("resources", "/resources", 422, free_from=at(8, 12).isoformat())


async def test_an_accepted_service_request_takes_the_periods_capacity(api: PlatformApi, stack: TestStack) -> None:
    area = new_community()
    provider = await api.register_organization("蓝天救援队", area)
    community = organization(await api.register_organization("社区党委", area))
    service = await api.share_resource(
        provider, "first_aid_training", area, capacity=10, kind="service", capacity_period="month"
    )
    day = (at(0, 12) + timedelta(days=35)).date()
    url = f"/resources/{service}/requests"
    first = await api.post("resources", url, {"wanted_on": day.isoformat(), "quantity": 6}, actor=community)
    second = await api.post("resources", url, {"wanted_on": day.isoformat(), "quantity": 6}, actor=community)
    assert first["period"] == day.strftime("%Y-%m") and first["status"] == "requested"
    await api.post("resources", url, {"wanted_on": day.isoformat(), "quantity": 11}, 409, actor=community)
    await api.post("resources", url, {"wanted_on": day.isoformat()}, 403, actor=organization(provider))

    await api.post("resources", f"/service-requests/{first['id']}/accept", {}, 403, actor=community)
    accepted = await api.post(
        "resources", f"/service-requests/{first['id']}/accept", {}, 200, actor=organization(provider)
    )
    assert accepted["status"] == "accepted"
    full = await api.post(
        "resources", f"/service-requests/{second['id']}/accept", {}, 409, actor=organization(provider)
    )
    assert full["error"]["left"] == 4
    assert (await api.get("resources", f"/resources/{service}"))["used"] == {day.strftime("%Y-%m"): 6}

    await api.post("resources", f"/service-requests/{first['id']}/cancel", {}, 200, actor=community)
    await api.post("resources", f"/service-requests/{second['id']}/accept", {}, 200, actor=organization(provider))
    assert (await api.get("resources", f"/resources/{service}"))["used"] == {day.strftime("%Y-%m"): 6}
    mine = await api.get("resources", "/service-requests", actor=community)
    assert {r["id"] for r in mine["items"]} == {first["id"], second["id"]}
    events = await events_about(stack, first["id"], count=3)
    assert [e["type"] for e in events] == [
        "service_request.made",
        "service_request.accepted",
        "service_request.cancelled",
    ]


async def test_a_resource_moves_through_its_lifecycle_and_only_its_owner_moves_it(
    api: PlatformApi, stack: TestStack
) -> None:
    area = new_community()
    owner = organization(await api.register_organization("场地单位", area))
    other = organization(await api.register_organization("别的单位", area))
    body = {"kind": "venue", "name": "多功能厅", "category": "venue", "area_code": area, "capacity": 80}
    await api.post("resources", "/resources", body, 422, actor=owner)  # a venue needs its point
    venue = {**body, "lat": CENTRE[0], "lon": CENTRE[1], "draft": True}
    draft = await api.post("resources", "/resources", venue, actor=owner)
    assert draft["status"] == "draft"
    await api.get("resources", f"/resources/{draft['id']}", 404)
    await api.post("resources", "/resources", {**venue, "organization_id": other.organization_id}, 403, actor=owner)
    await api.post("resources", "/resources", {**venue, "name": {"$ne": ""}}, 422, actor=owner)

    rid = draft["id"]
    await api.post("resources", f"/resources/{rid}/publish", {}, 200, actor=owner)
    edited = await api.http.patch(
        stack.url("resources") + f"/resources/{rid}",
        json={"capacity": 60, "facilities": ["投影仪"]},
        headers=acting(owner),
    )
    assert edited.status_code == 200 and edited.json()["capacity"] == 60
    foreign = await api.http.patch(
        stack.url("resources") + f"/resources/{rid}", json={"capacity": 1}, headers=acting(other)
    )
    assert foreign.status_code == 403
    booking = await api.post("resources", f"/venues/{rid}/bookings", slot(9, 10), actor=other)
    await api.post("resources", f"/resources/{rid}/resume", {}, 409, actor=owner)  # published already
    withdrawn = await api.post("resources", f"/resources/{rid}/withdraw", {}, 200, actor=owner)
    assert withdrawn["status"] == "withdrawn"
    assert (await api.get("resources", f"/bookings/{booking['id']}", actor=other))["reason"] == "venue_withdrawn"

    events = await events_about(stack, rid, count=3)
    assert [e["type"] for e in events] == ["resource.published", "resource.updated", "resource.withdrawn"]
    assert events[1]["data"]["capacity"] == 60


async def test_slots_left_behind_by_a_dead_process_hold_nothing(
    api: PlatformApi, stack: TestStack, mongo: AsyncMongoClient[Document]
) -> None:
    area = new_community()
    _owner, venue = await venue_of(api, area)
    booker = organization(await api.register_organization("预约党支部", area))
    slots = mongo[stack.database("resources")]["slots"]
    start = at(10, 10)
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    # a process died after placing the slots of a booking it never stored
    await slots.insert_one(
        {"_id": f"{venue}/{start.timestamp():.0f}", "booking_id": uuid4().hex, "placed_at": long_ago}
    )
    booked = await api.post("resources", f"/venues/{venue}/bookings", slot(10, 10), actor=booker)
    assert booked["status"] == "confirmed"
    # a slot being placed right now is respected
    later = at(10, 14)
    await slots.insert_one(
        {"_id": f"{venue}/{later.timestamp():.0f}", "booking_id": uuid4().hex, "placed_at": datetime.now(UTC)}
    )
    await api.post("resources", f"/venues/{venue}/bookings", slot(10, 14), 409, actor=booker)


async def test_an_accepted_match_with_a_venue_books_it_once(api: PlatformApi, stack: TestStack) -> None:
    area = new_community()
    owner, venue = await venue_of(api, area)
    needy = await api.register_organization("需求党支部", area)

    def accepted(proposal_id: str, start: datetime) -> MatchAccepted:
        data = MatchAcceptedData(
            proposal_id=proposal_id,
            need_id=uuid4().hex,
            need_organization_id=needy,
            resource_id=venue,
            resource_organization_id=owner,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
        )
        return MatchAccepted(source="/tests", subject=proposal_id, data=data)

    proposal, clashing = uuid4().hex, uuid4().hex
    first = encode(accepted(proposal, at(11, 9, 10)))
    await send_raw(stack.kafka, stack.topic(MATCHING_TOPIC), [(first[0], first[1], None), (first[0], first[1], None)])

    async def booked() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await api.get("resources", "/bookings", actor=organization(needy)))["items"]
        assert items, "no booking yet"
        return items

    bookings = await eventually(booked)
    assert len(bookings) == 1 and bookings[0]["proposal_id"] == proposal
    assert datetime.fromisoformat(bookings[0]["starts_at"]) == at(11, 9)  # widened to the half hours
    assert datetime.fromisoformat(bookings[0]["ends_at"]) == at(11, 11) and bookings[0]["status"] == "confirmed"

    second = encode(accepted(clashing, at(11, 10)))
    await send_raw(stack.kafka, stack.topic(MATCHING_TOPIC), [(second[0], second[1], None)])
    refusals = await events_about(stack, venue, count=2)  # resource.published, then the refusal
    assert refusals[-1]["type"] == "booking.refused" and refusals[-1]["data"]["proposal_id"] == clashing


async def test_an_administrator_imports_the_register_of_an_areas_venues_and_services(
    api: PlatformApi, stack: TestStack
) -> None:
    area = new_community()
    owner = await api.register_organization("登记单位", area)
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=area[:9])
    lat, lon = point_of(area)

    def row(kind: str, category: str, **extra: Any) -> dict[str, Any]:
        fields = {"name": f"{category}登记", "category": category, "area_code": area, "capacity": 20}
        return {"id": uuid4().hex, "organization_id": owner, "kind": kind, **fields, **extra}

    venue, service = row("venue", "venue", lat=lat, lon=lon), row("service", "legal_aid")
    register = [venue, service, row("venue", "venue", lat=lat, lon=lon, draft=True)]
    refused = [
        ({"resources": [venue, {**service, "organization_id": uuid4().hex}]}, admin, 422, "organization_id"),
        ({"resources": [{**venue, "lat": None, "lon": None}]}, admin, 422, "resources.0"),
        ({"resources": register}, Actor(kind=ActorKind.AREA_ADMIN, area_code="350102"), 403, "area_code"),
        ({"resources": [venue, {**service, "area_code": "350102001001"}]}, admin, 403, "350102001001"),
        ({"resources": register}, organization(owner), 403, "administrator"),
        ({"resources": []}, admin, 422, "resources"),
    ]
    for body, actor, status, named in refused:  # refused whole, before anything is written
        answer = await api.post("resources", "/resources/import", body, status, actor=actor)
        assert named in json.dumps(answer)
    await api.get("resources", f"/resources/{venue['id']}", 404, actor=admin)

    assert await api.post("resources", "/resources/import", {"resources": register}, 200, actor=admin) == {
        "received": 3,
        "imported": 3,
    }
    again = await api.post("resources", "/resources/import", {"resources": register}, 200, actor=admin)
    assert again == {"received": 3, "imported": 0}  # a resumed import: nothing twice
    shared = await api.get("resources", "/resources", organization_id=owner)
    assert sorted(r["id"] for r in shared["items"]) == sorted([venue["id"], service["id"]])  # the draft is its own
    published = await events_about(stack, venue["id"], count=1)
    assert [e["type"] for e in published] == ["resource.published"]
    assert (await api.get("resources", f"/resources/{register[2]['id']}", actor=organization(owner)))[
        "status"
    ] == "draft"


async def test_an_administrator_imports_a_venues_ledger(
    api: PlatformApi, stack: TestStack, mongo: AsyncMongoClient[Document]
) -> None:
    area = new_community()
    _owner, venue = await venue_of(api, area)
    booker = await api.register_organization("预约党支部", area)
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=area[:9])

    def row(days: int, hour: int) -> dict[str, Any]:
        return {"id": uuid4().hex, "venue_id": venue, "organization_id": booker, **slot(days, hour)}

    ledger = [row(-30, 9), row(12, 9), row(12, 10)]  # the last clashes with the one before
    result = await api.post("resources", "/bookings/import", {"bookings": ledger}, 200, actor=admin)
    assert result == {"received": 3, "imported": 2, "clashed": 1}
    [confirmed] = await events_about(stack, ledger[0]["id"], count=1)
    assert (confirmed["type"], confirmed["data"]["imported"]) == ("booking.confirmed", True)  # its booker is not told
    again = await api.post("resources", "/bookings/import", {"bookings": ledger[:1]}, 200, actor=admin)
    assert again == {"received": 1, "imported": 0, "clashed": 0}
    held_row = row(14, 9)
    held = await api.post("resources", "/bookings/import", {"bookings": [row(12, 9), held_row]}, 200, actor=admin)
    assert held == {"received": 2, "imported": 1, "clashed": 1}  # the first clashes with one imported before
    outsider = Actor(kind=ActorKind.AREA_ADMIN, area_code="350102")
    await api.post("resources", "/bookings/import", {"bookings": [row(13, 9)]}, 403, actor=outsider)
    slots = mongo[stack.database("resources")]["slots"]
    holding = sorted(s["booking_id"] for s in await slots.find({"_id": {"$regex": f"^{venue}/"}}).to_list())
    assert holding == sorted([ledger[1]["id"]] * 4 + [held_row["id"]] * 4)  # the past holds no slot: none can be booked


async def test_the_busiest_venues_of_an_area_are_those_most_booked_around_now(api: PlatformApi) -> None:
    area = new_community()
    owner, busy = await venue_of(api, area, name="忙碌的活动室")
    _, quiet = await venue_of(api, area, name="安静的会议室")
    booker = organization(owner)
    for days in (1, 2, 3):
        await api.post("resources", f"/venues/{busy}/bookings", slot(days, 9), actor=booker)
    await api.post("resources", f"/venues/{quiet}/bookings", slot(1, 14), actor=booker)
    await api.post("resources", f"/venues/{quiet}/bookings", slot(60, 14), actor=booker)  # beyond the 30 days

    ranked = (await api.get("resources", "/stats/venues", area_code=area))["items"]
    assert [(v["venue_id"], v["name"], v["bookings"]) for v in ranked] == [
        (busy, "忙碌的活动室", 3),
        (quiet, "安静的会议室", 1),
    ]
    elsewhere = (await api.get("resources", "/stats/venues", area_code=new_community()))["items"]
    assert elsewhere == []
