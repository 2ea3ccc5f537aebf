"""QR check-in and check-out on the real Kafka and FerretDB: the points service learns an
activity from the needs service's events, its organiser's administrator gets the code of the
minute, members and residents check in and out with it; a forged, an expired and a replayed
code are refused saying why; a check-out earns once however often its event is delivered; an
organiser's correction is kept with its reason and moves only the difference."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from contract.events import NEEDS_TOPIC, POINTS_TOPIC, Envelope
from contract.events.needs import (
    ActivityCancelled,
    ActivityData,
    ActivityPosted,
    ActivityStatus,
    ClaimCompleted,
    ClaimData,
    ClaimMade,
    ClaimReleased,
    ClaimReleasedData,
    NeedPosted,
    NeedPostedData,
)
from contract.events.points import AttendedKind, CheckinDirection
from contract.taxonomy import Category
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, organization, read_topic, send_raw, wait_consumed
from points.attendance import codes
from points.config import Settings
from runtime.actors import Actor, ActorKind
from runtime.config import DEVELOPMENT_ACTOR_SECRET
from runtime.kafka import encode

pytestmark = pytest.mark.stack

COMMUNITY = "350121990002"
KEY = Settings(environment="test", actor_secret=DEVELOPMENT_ACTOR_SECRET, checkin_secret="").checkin_key


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def new_id() -> str:
    return uuid4().hex


async def deliver(stack: TestStack, *events: Envelope, topic: str = NEEDS_TOPIC) -> None:
    sent = await send_raw(stack.kafka, stack.topic(topic), [encode(e) for e in events])
    await wait_consumed(stack.kafka, stack.group("points"), sent)


def activity(organizer: str, *, starts_in: timedelta = timedelta(minutes=10), version: int = 1) -> ActivityData:
    starts = datetime.now(UTC) + starts_in
    return ActivityData(
        activity_id=new_id(),
        organization_id=organizer,
        area_code=COMMUNITY,
        title="周末义务理发",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        status=ActivityStatus.OPEN,
        places=20,
        taken=0,
        version=version,
    )


async def posted(stack: TestStack, organizer: str, **kwargs: Any) -> ActivityData:
    data = activity(organizer, **kwargs)
    await deliver(stack, ActivityPosted(source="needs", subject=data.activity_id, data=data))
    return data


class Checkins:
    """The check-in routes of one activity, as its organiser and the people scanning."""

    def __init__(self, stack: TestStack, http: httpx.AsyncClient, organizer: str, activity_id: str) -> None:
        self.base = stack.url("points")
        self.http = http
        self.organizer = organization(organizer)
        self.path = f"/attendance/activity/{activity_id}"

    async def code(self, direction: str = "in") -> str:
        response = await self.http.get(
            f"{self.base}{self.path}/code", params={"direction": direction}, headers=acting(self.organizer)
        )
        assert response.status_code == 200, response.text
        code: str = response.json()["code"]
        return code

    async def scan(self, person: Actor, code: str, direction: str | None = None) -> httpx.Response:
        body = {"code": code, **({"direction": direction} if direction else {})}
        return await self.http.post(f"{self.base}/checkins", json=body, headers=acting(person))

    async def attendance(self) -> list[dict[str, Any]]:
        response = await self.http.get(f"{self.base}{self.path}", headers=acting(self.organizer))
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()
        return found


def refused(response: httpx.Response, status: int, reason: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("checkin_refused", reason), error


def member() -> Actor:
    return organization(new_id(), member_id=new_id())


async def balance(api: PlatformApi, account: str) -> tuple[int, int]:
    found = await api.get("points", f"/accounts/{account}/balance", actor=PLATFORM)
    return found["points"], found["minutes"]


async def settled(api: PlatformApi, account: str, expected: tuple[int, int]) -> None:
    """Waits for the points service to have heard its own check-out (or correction) event."""
    for _ in range(100):
        if await balance(api, account) == expected:
            return
        await asyncio.sleep(0.2)
    assert await balance(api, account) == expected


async def test_a_member_checks_in_and_out_and_earns_once_however_often_the_check_out_is_delivered(
    api: PlatformApi, stack: TestStack, http: httpx.AsyncClient
) -> None:
    rules = await api.get("points", "/rules")
    organizer = new_id()
    held = await posted(stack, organizer)
    checkins = Checkins(stack, http, organizer, held.activity_id)
    volunteer = member()
    account = f"member:{volunteer.member_id}"

    came = await checkins.scan(volunteer, await checkins.code("in"))
    assert came.status_code == 200, came.text
    assert came.json()["direction"] == "in" and came.json()["title"] == "周末义务理发"
    left = await checkins.scan(volunteer, await checkins.code("out"))
    assert left.status_code == 200, left.text
    expected = (rules["points_per_attendance"], 0)  # checked out within the minute: no hour to count
    await settled(api, account, expected)

    def check_outs(records: list[Any]) -> list[Any]:
        return [
            r
            for r in records
            if (e := json.loads(r.value))["type"] == "checkin.recorded"
            and e["data"]["person"] == account
            and e["data"]["direction"] == "out"
        ]

    records = await read_topic(stack.kafka, stack.topic(POINTS_TOPIC), until=lambda got: len(check_outs(got)) == 1)
    (check_out,) = check_outs(records)
    twice = [(check_out.key, check_out.value, list(check_out.headers))] * 2
    again = await send_raw(stack.kafka, check_out.topic, twice)
    await wait_consumed(stack.kafka, stack.group("points"), again)

    assert await balance(api, account) == expected
    postings = (await api.get("points", f"/accounts/{account}/postings", actor=PLATFORM))["items"]
    assert [(p["unit"], p["cause_type"], p["amount"]) for p in postings] == [
        ("points", "checkin.recorded", rules["points_per_attendance"])
    ]
    (record,) = await checkins.attendance()
    assert record["person"] == account and record["checked_in_at"] and record["checked_out_at"]
    assert record["earned"] == {"points": rules["points_per_attendance"], "minutes": 0}


async def test_a_forged_an_expired_and_a_replayed_code_are_refused_saying_why(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    organizer = new_id()
    held = await posted(stack, organizer)
    checkins = Checkins(stack, http, organizer, held.activity_id)
    volunteer = member()
    current = await checkins.code("in")

    kind, activity_id, direction, minute, signature = current.split(".")
    other = await posted(stack, organizer)
    for forged in (
        f"{kind}.{other.activity_id}.{direction}.{minute}.{signature}",  # another activity's
        f"{kind}.{activity_id}.{direction}.{int(minute) + 5}.{signature}",  # a later minute's
        codes.make(
            b"a key of someone else", AttendedKind.ACTIVITY, activity_id, CheckinDirection.IN, datetime.now(UTC)
        ),
        "not a code at all",
    ):
        refused(await checkins.scan(volunteer, forged), 403, "forged")

    yesterday = datetime.now(UTC) - timedelta(days=1)  # a photo of the QR code taken yesterday
    for then in (yesterday, datetime.now(UTC) - timedelta(minutes=3)):
        photo = codes.make(KEY, AttendedKind.ACTIVITY, activity_id, CheckinDirection.IN, then)
        refused(await checkins.scan(volunteer, photo), 409, "expired")

    assert (await checkins.scan(volunteer, current)).status_code == 200
    refused(await checkins.scan(volunteer, current), 409, "replayed")  # the same person again
    refused(await checkins.scan(volunteer, current, direction="out"), 409, "replayed")  # an in code to leave
    refused(await checkins.scan(member(), await checkins.code("out")), 409, "not_checked_in")
    assert [r["person"] for r in await checkins.attendance()] == [f"member:{volunteer.member_id}"]


async def test_a_called_off_or_not_yet_running_activity_refuses_check_in_and_strangers_get_no_code(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    organizer = new_id()
    later = await posted(stack, organizer, starts_in=timedelta(hours=5))
    checkins = Checkins(stack, http, organizer, later.activity_id)
    refused(await checkins.scan(member(), await checkins.code("in")), 409, "not_running")

    soon = await posted(stack, organizer)
    called_off = soon.model_copy(update={"status": ActivityStatus.CANCELLED, "version": 2})
    await deliver(stack, ActivityCancelled(source="needs", subject=soon.activity_id, data=called_off))
    checkins = Checkins(stack, http, organizer, soon.activity_id)
    refused(await checkins.scan(member(), await checkins.code("in")), 409, "cancelled")

    code_url = f"{stack.url('points')}/attendance/activity/{soon.activity_id}/code"
    for stranger in (organization(new_id()), member()):
        assert (await http.get(code_url, headers=acting(stranger))).status_code == 403
    resident = Actor(kind=ActorKind.RESIDENT, resident_id=new_id(), area_code=COMMUNITY)
    assert (await http.get(code_url, headers=acting(resident))).status_code == 403


async def test_a_correction_is_kept_with_its_reason_and_moves_only_the_difference(
    api: PlatformApi, stack: TestStack, http: httpx.AsyncClient
) -> None:
    rules = await api.get("points", "/rules")
    organizer = new_id()
    held = await posted(stack, organizer)
    checkins = Checkins(stack, http, organizer, held.activity_id)
    resident = Actor(kind=ActorKind.RESIDENT, resident_id=new_id(), area_code=COMMUNITY)
    account = f"resident:{resident.resident_id}"
    assert (await checkins.scan(resident, await checkins.code("in"))).status_code == 200
    assert (await checkins.scan(resident, await checkins.code("out"))).status_code == 200
    first = rules["points_per_attendance"]
    await settled(api, account, (first, 0))

    corrections = f"{stack.url('points')}{checkins.path}/corrections"
    fixed = {
        "person": account,
        "checked_in_at": held.starts_at.isoformat(),
        "checked_out_at": (held.starts_at + timedelta(minutes=90)).isoformat(),
        "reason": "扫码时手机没电,按签到表补录",
    }
    assert (
        await http.post(corrections, json={**fixed, "reason": ""}, headers=acting(checkins.organizer))
    ).status_code == 422
    stranger = await http.post(corrections, json=fixed, headers=acting(organization(new_id())))
    assert stranger.status_code == 403
    corrected = await http.post(corrections, json=fixed, headers=acting(checkins.organizer))
    assert corrected.status_code == 200, corrected.text
    whole = rules["points_per_attendance"] + rules["points_per_attended_hour"] * 90 // 60
    await settled(api, account, (whole, 90))

    (record,) = await checkins.attendance()
    (correction,) = record["corrections"]
    assert correction["reason"] == fixed["reason"] and correction["by"] == f"organization:{organizer}"
    assert correction["at"] and record["earned"] == {"points": whole, "minutes": 90}
    postings = (await api.get("points", f"/accounts/{account}/postings", actor=PLATFORM))["items"]
    assert sorted((p["unit"], p["amount"]) for p in postings) == sorted(
        [("points", first), ("points", whole - first), ("minutes", 90)]
    )  # the correction posted the difference, not the whole again

    absent = {"person": account, "absent": True, "reason": "签到后即离开,未参加"}
    assert (await http.post(corrections, json=absent, headers=acting(checkins.organizer))).status_code == 200
    await settled(api, account, (0, 0))
    (record,) = await checkins.attendance()
    assert record["absent"] and [c["reason"] for c in record["corrections"]] == [fixed["reason"], absent["reason"]]


def on_site(need_id: str, poster: str, *, quantity: int) -> NeedPostedData:
    """A need whose work is done on site, starting in 20 minutes: its claims can be checked into."""
    starts = datetime.now(UTC) + timedelta(minutes=20)
    return NeedPostedData(
        need_id=need_id,
        organization_id=poster,
        title="社区核酸采样志愿者",
        category=Category.VOLUNTEERING,
        area_code=COMMUNITY,
        quantity=quantity,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
    )


async def test_a_claims_work_on_site_is_checked_into_by_the_claimers_members_only(
    api: PlatformApi, stack: TestStack, http: httpx.AsyncClient
) -> None:
    rules = await api.get("points", "/rules")
    poster, claimer, need_id, claim_id = new_id(), new_id(), new_id(), new_id()
    need = on_site(need_id, poster, quantity=5)
    claim = ClaimData(
        claim_id=claim_id, need_id=need_id, need_organization_id=poster, organization_id=claimer, quantity=2
    )
    await deliver(
        stack,
        NeedPosted(source="needs", subject=need_id, data=need),
        ClaimMade(source="needs", subject=claim_id, data=claim),
    )
    base = f"{stack.url('points')}/attendance/claim/{claim_id}"
    code = await http.get(f"{base}/code", headers=acting(organization(poster)))  # the poster shows it on site
    assert code.status_code == 200 and code.json()["title"] == "社区核酸采样志愿者"
    ours = organization(claimer, member_id=new_id())
    theirs = organization(new_id(), member_id=new_id())
    scan = f"{stack.url('points')}/checkins"
    refused_stranger = await http.post(scan, json={"code": code.json()["code"]}, headers=acting(theirs))
    assert refused_stranger.status_code == 403
    assert (await http.post(scan, json={"code": code.json()["code"]}, headers=acting(ours))).status_code == 200
    out = await http.get(f"{base}/code", params={"direction": "out"}, headers=acting(organization(claimer)))
    assert (await http.post(scan, json={"code": out.json()["code"]}, headers=acting(ours))).status_code == 200
    await settled(api, f"member:{ours.member_id}", (rules["points_per_attendance"], 0))
    movement = (await api.get("points", f"/accounts/member:{ours.member_id}/postings", actor=PLATFORM))["items"][0]
    assert movement["cause_type"] == "checkin.recorded"

    released = ClaimReleasedData(**claim.model_dump(), reason="released")
    await deliver(stack, ClaimReleased(source="needs", subject=claim_id, data=released))
    again = await http.get(f"{base}/code", headers=acting(organization(claimer)))
    refused(await http.post(scan, json={"code": again.json()["code"]}, headers=acting(ours)), 409, "cancelled")


@pytest.mark.parametrize("claims", [1, 20], ids=["one claim completed", "a run of twenty, set in one update"])
async def test_a_completed_claims_work_is_checked_out_of_no_longer_into(
    stack: TestStack, http: httpx.AsyncClient, claims: int
) -> None:
    poster, claimer, need_id = new_id(), new_id(), new_id()
    need = on_site(need_id, poster, quantity=claims)
    made = [
        ClaimData(claim_id=new_id(), need_id=need_id, need_organization_id=poster, organization_id=claimer, quantity=1)
        for _ in range(claims)
    ]
    await deliver(  # keyed by their need, as the needs service does: one partition, in order
        stack,
        NeedPosted(source="needs", subject=need_id, data=need),
        *(ClaimMade(source="needs", subject=need_id, data=claim) for claim in made),
        *(ClaimCompleted(source="needs", subject=need_id, data=claim) for claim in made),
    )
    ours = organization(claimer, member_id=new_id())
    for claim in (made[0], made[-1]):
        base = f"{stack.url('points')}/attendance/claim/{claim.claim_id}"
        code = await http.get(f"{base}/code", headers=acting(organization(poster)))
        scanned = await http.post(
            f"{stack.url('points')}/checkins", json={"code": code.json()["code"]}, headers=acting(ours)
        )
        refused(scanned, 409, "not_running")
        assert "done" in scanned.json()["error"]["message"]
