"""The time bank on the real Kafka and FerretDB: minutes granted by a community to a person who
cannot earn them, held by an ask at once, paid to whoever served on the asker's confirmation or
returned on cancellation, never below zero unless the community allows an overdraft, and a
confirmation racing a cancellation paying out once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from contract.ids import new_id
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, organization
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

COMMUNITY = "350121995001"


@pytest.fixture
def api(stack: TestStack, http: httpx.AsyncClient) -> PlatformApi:
    return PlatformApi(stack, http)


def resident() -> Actor:
    return Actor(kind=ActorKind.RESIDENT, resident_id=new_id(), area_code=COMMUNITY)


def account_of(person: Actor) -> str:
    return f"resident:{person.resident_id}" if person.resident_id else f"member:{person.member_id}"


ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY)


async def minutes(api: PlatformApi, account: str) -> int:
    balance: dict[str, Any] = await api.get("points", f"/accounts/{account}/balance", actor=PLATFORM)
    return int(balance["minutes"])


async def grant(api: PlatformApi, person: Actor, amount: int) -> None:
    body = {"account": account_of(person), "minutes": amount, "reason": "高龄独居老人", "area_code": COMMUNITY}
    await api.post("points", "/timebank/grants", body, actor=ADMIN)


async def ask(api: PlatformApi, person: Actor, amount: int, status: int = 201) -> dict[str, Any]:
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = {"what": "陪同就医", "when": when, "minutes": amount, "name": "张奶奶"}
    return await api.post("points", "/timebank/asks", body, status, actor=person)


async def test_an_ask_holds_its_minutes_pays_whoever_served_on_confirmation_and_returns_them_on_cancellation(
    api: PlatformApi,
) -> None:
    elder, helper = resident(), organization(new_id(), member_id=new_id())
    await grant(api, elder, 120)
    assert await minutes(api, account_of(elder)) == 120

    first = await ask(api, elder, 90)
    assert (await minutes(api, account_of(elder)), await minutes(api, f"timebank:{first['id']}")) == (30, 90)
    assert first["id"] in [
        a["id"] for a in await api.get("points", "/timebank/asks", actor=helper, area_code=COMMUNITY)
    ]

    await api.post("points", f"/timebank/asks/{first['id']}/take", {}, 409, actor=elder)  # not one's own
    taken = await api.post("points", f"/timebank/asks/{first['id']}/take", {"name": "小李"}, 200, actor=helper)
    assert (taken["status"], taken["taker"]) == ("taken", account_of(helper))
    await api.post("points", f"/timebank/asks/{first['id']}/take", {}, 409, actor=resident())
    await api.post("points", f"/timebank/asks/{first['id']}/confirm", {}, 403, actor=helper)
    await api.post("points", f"/timebank/asks/{first['id']}/confirm", {}, 200, actor=elder)
    await api.post("points", f"/timebank/asks/{first['id']}/confirm", {}, 409, actor=elder)
    assert (await minutes(api, account_of(helper)), await minutes(api, f"timebank:{first['id']}")) == (90, 0)

    second = await ask(api, elder, 30)
    assert await minutes(api, account_of(elder)) == 0
    await api.post("points", f"/timebank/asks/{second['id']}/cancel", {}, 403, actor=helper)
    cancelled = await api.post("points", f"/timebank/asks/{second['id']}/cancel", {}, 200, actor=elder)
    assert cancelled["status"] == "cancelled"
    await api.post("points", f"/timebank/asks/{second['id']}/cancel", {}, 409, actor=elder)
    assert await minutes(api, account_of(elder)) == 30
    mine = {a["id"]: a["status"] for a in await api.get("points", "/timebank/asks/mine", actor=elder)}
    assert mine == {first["id"]: "done", second["id"]: "cancelled"}


async def test_no_one_goes_below_zero_unless_the_community_allows_an_overdraft(api: PlatformApi) -> None:
    elder = resident()
    await grant(api, elder, 20)
    refused = await ask(api, elder, 60, 409)
    assert refused["error"]["code"] == "insufficient_balance"
    assert await minutes(api, account_of(elder)) == 20

    path = f"/timebank/areas/{COMMUNITY}/overdraft"
    async with httpx.AsyncClient() as http:
        url = api.stack.url("points") + path
        assert (await http.put(url, json={"overdraft": 60}, headers=acting(elder))).status_code == 403
        response = await http.put(url, json={"overdraft": 60}, headers=acting(ADMIN))
        assert response.status_code == 200, response.text
    try:
        await ask(api, elder, 60)
        assert await minutes(api, account_of(elder)) == -40
        await ask(api, elder, 30, 409)  # -70 is past the 60 allowed
    finally:
        async with httpx.AsyncClient() as http:
            await http.put(api.stack.url("points") + path, json={"overdraft": 0}, headers=acting(ADMIN))


async def test_a_confirmation_racing_a_cancellation_pays_out_once(api: PlatformApi) -> None:
    elder, helper = resident(), resident()
    await grant(api, elder, 50)
    made = await ask(api, elder, 50)
    await api.post("points", f"/timebank/asks/{made['id']}/take", {}, 200, actor=helper)
    async with httpx.AsyncClient() as http:
        base = api.stack.url("points") + f"/timebank/asks/{made['id']}"
        answers = await asyncio.gather(
            http.post(base + "/confirm", json={}, headers=acting(elder)),
            http.post(base + "/cancel", json={}, headers=acting(elder)),
        )
    assert sorted(a.status_code for a in answers) == [200, 409]
    paid = (await minutes(api, account_of(helper)), await minutes(api, account_of(elder)))
    assert paid in ((50, 0), (0, 50))
    assert await minutes(api, f"timebank:{made['id']}") == 0


async def test_minutes_are_granted_by_the_communitys_administrator_only_and_the_time_bank_is_for_people(
    api: PlatformApi,
) -> None:
    elder = resident()
    body = {"account": account_of(elder), "minutes": 60, "reason": "孤寡老人", "area_code": COMMUNITY}
    await api.post(
        "points", "/timebank/grants", body, 403, actor=Actor(kind=ActorKind.AREA_ADMIN, area_code="350121996001")
    )
    await api.post("points", "/timebank/grants", body, 403, actor=elder)
    made = await api.post(
        "points", "/timebank/grants", body, actor=Actor(kind=ActorKind.AREA_ADMIN, area_code=COMMUNITY[:9])
    )
    granted = await api.get("points", f"/timebank/areas/{COMMUNITY}/grants", actor=ADMIN)
    assert made["id"] in [g["id"] for g in granted]
    await ask(api, organization(new_id()), 10, 403)  # an organisation's key has no minutes of its own
    await api.post(
        "points", "/timebank/asks", {"what": "x", "when": "2020-01-01T00:00:00Z", "minutes": 10}, 422, actor=elder
    )
