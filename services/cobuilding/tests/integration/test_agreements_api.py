"""Co-building agreements on the real Kafka and FerretDB: the union proposes to the rescue team,
committing its meeting room every month on the 7th, 19:00–21:00; the team signs; the resources
service books every occurrence on the venue's calendar for the team, except the one another
organisation holds already (no double booking), and the co-building service shows each
occurrence booked or not; ending the agreement gives the slots back. Refusals: one party, a
venue the committing party does not share, a stranger signing, a resident proposing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from cobuilding.clock import CST
from devkit.testing import PlatformApi, TestStack, acting, eventually, organization
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

COMMUNITY = "350124987001"


def term() -> tuple[date, date]:
    """From the first of next month, five months."""
    today = date.today()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first, (first + timedelta(days=5 * 31)).replace(day=1) - timedelta(days=1)


async def test_a_signed_agreement_books_its_venue_every_month_but_never_over_another_booking(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    union = await api.register_organization("市总工会机关党支部", COMMUNITY)
    rescue = await api.register_organization("蓝天救援队党支部", COMMUNITY)
    school = await api.register_organization("实验小学党支部", COMMUNITY)
    hall = await api.share_resource(union, "party_education", COMMUNITY, name="职工之家会议室")
    starts_on, ends_on = term()
    second = datetime.combine(
        starts_on.replace(month=starts_on.month % 12 + 1, year=starts_on.year + (starts_on.month == 12), day=7),
        datetime.min.time(),
        CST,
    )
    taken = {
        "starts_at": (second + timedelta(hours=19)).isoformat(),
        "ends_at": (second + timedelta(hours=21)).isoformat(),
    }
    await api.post("resources", f"/venues/{hall}/bookings", taken, actor=organization(school))

    room = {
        "by_organization_id": union,
        "for_organization_id": rescue,
        "what": "每月7日19:00-21:00提供会议室开展党小组活动",
        "repeat": "monthly",
        "day": 7,
        "starts": "19:00",
        "ends": "21:00",
        "venue_id": hall,
    }
    body: dict[str, Any] = {
        "title": "工会与救援队结对共建",
        "parties": [union, rescue],
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "commitments": [room],
    }
    base = stack.url("cobuilding")

    async def proposed() -> dict[str, Any]:  # once the service has heard of the venue
        answer = await http.post(f"{base}/agreements", json=body, headers=acting(organization(union)))
        assert answer.status_code == 201, answer.text
        made: dict[str, Any] = answer.json()
        return made

    agreement = await eventually(proposed)
    path = f"{base}/agreements/{agreement['id']}"

    refusals = [
        ({**body, "parties": [union]}, organization(union), 422, "parties"),
        (  # the rescue team commits the union's room: a venue neither it nor its way of sharing makes its own
            {**body, "commitments": [{**room, "by_organization_id": rescue, "for_organization_id": union}]},
            organization(rescue),
            422,
            "venue_id",
        ),
        (body, Actor(kind=ActorKind.RESIDENT, resident_id="d" * 32, area_code=COMMUNITY), 403, "organisation"),
    ]
    for refused_body, actor, status, named in refusals:
        answer = await http.post(f"{base}/agreements", json=refused_body, headers=acting(actor))
        assert (answer.status_code, named in answer.text) == (status, True), answer.text
    stranger = await http.post(f"{path}/sign", headers=acting(organization(school)))
    assert stranger.status_code == 403
    assert (await http.get(path, headers=acting(organization(school)))).status_code == 404

    signed = await http.post(f"{path}/sign", headers=acting(organization(rescue)))
    assert signed.json()["status"] == "signed", signed.text
    months = len(agreement["commitments"][0]["occurrences"])
    assert months == 5

    calendar = f"{stack.url('resources')}/venues/{hall}/calendar"
    window = {"from": f"{starts_on.isoformat()}T00:00:00+08:00", "to": f"{ends_on.isoformat()}T23:59:00+08:00"}

    async def booked_for_the_team() -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = (
            await http.get(calendar, params=window, headers=acting(organization(union)))
        ).json()
        assert len(entries) == months, entries
        return entries

    entries = await eventually(booked_for_the_team)
    holders = sorted(e["organization_id"] for e in entries)
    assert holders == sorted([school] + [rescue] * (months - 1))  # the school keeps its slot: no double booking

    async def occurrences_known() -> list[dict[str, Any]]:
        shown = (await http.get(path, headers=acting(organization(rescue)))).json()
        found: list[dict[str, Any]] = shown["commitments"][0]["occurrences"]
        assert sum(o["booking_status"] == "confirmed" for o in found) == months - 1, found
        return found

    found = await eventually(occurrences_known)
    [unbooked] = [o for o in found if o["booking_id"] is None]
    assert unbooked["from_day"] == second.date().isoformat()
    admin = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)
    listed = (await http.get(f"{base}/agreements", headers=acting(admin))).json()["items"]
    assert agreement["id"] in [a["id"] for a in listed]  # the community follows it too

    again = await http.post(f"{path}/sign", headers=acting(organization(rescue)))
    assert again.status_code == 409
    ended = await http.post(f"{path}/end", headers=acting(organization(union)))
    assert ended.json()["status"] == "ended"

    async def given_back() -> None:
        entries = (await http.get(calendar, params=window, headers=acting(organization(union)))).json()
        assert [e["organization_id"] for e in entries] == [school], entries

    await eventually(given_back)
