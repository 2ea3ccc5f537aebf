"""The standings in the portal, in a real browser on a phone: a community's leaderboard of
members (named in full to their organisation, by surname alone to a stranger) and of
organisations; the annual assessment of an organisation's members, whose XLSX holds the rows the
points service answers; the earning rules, changed by a city's administrator, a value out of
range refused with the reason, read-only to anyone else."""

from __future__ import annotations

import itertools
from io import BytesIO
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import expect

from devkit.browser import PHONE, NewPage, fits, sign_in, snap
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization
from gateway.portal.accounts import Account, Role
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

DISTRICT = "350127"
_streets = itertools.count(100 + uuid4().int % 700)
CITY_ADMIN = Actor(kind=ActorKind.AREA_ADMIN, area_code="350100")


def new_community() -> str:
    return f"{DISTRICT}{next(_streets):03d}001"


async def a_member_serves(api: PlatformApi, community: str) -> tuple[str, str, str]:
    """A community's committee posts a need; a member of a branch there serves two person-times
    of it, the branch itself one: (the branch, the member, the poster)."""
    poster = await api.register_organization("积分榜社区党委", community, kind="party_committee")
    branch = await api.register_organization("积分榜志愿支部", community)
    body = {"name": "王小明", "phone": "13900002222", "roles": ["volunteer"], "organization_ids": [branch]}
    member = (await api.post("organizations", "/members", body, actor=PLATFORM))["id"]
    need = await api.post_need(poster, "volunteering", community, quantity=5)
    claims = f"/needs/{need}/claims"

    async def claimed() -> dict[str, Any]:  # once the needs service heard of the membership
        answer = await api.http.post(
            api.stack.url("needs") + claims,
            json={"quantity": 2, "member_id": member},
            headers=acting(organization(branch)),
        )
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    for claim in (
        await eventually(claimed),
        await api.post("needs", claims, {"quantity": 1}, actor=organization(branch)),
    ):
        await api.post("needs", f"{claims}/{claim['id']}/complete", {}, 200, actor=organization(poster))
    return branch, member, poster


async def test_a_communitys_leaderboard_and_its_assessment_on_a_phone(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Any, new_page: NewPage, screenshots: Path
) -> None:
    api = PlatformApi(stack, http)
    community = new_community()
    branch, member, _ = await a_member_serves(api, community)
    await portal_accounts(
        Account(username=f"wang-{community}", name="支部书记", role=Role.ORG_ADMIN, organization_id=branch)
    )

    async def ranked() -> None:
        board = await api.get("points", "/leaderboard", area_code=community, period="month", kind="member")
        assert [row["member_id"] for row in board["items"]] == [member]

    await eventually(ranked)

    stranger = await new_page(PHONE)
    await stranger.goto(f"/leaderboards?area={community}")
    row = stranger.locator(f"#leaderboard tr[data-id='{member}']")
    await expect(row).to_contain_text("王**")
    await expect(row).not_to_contain_text("王小明")
    await fits(stranger)
    await stranger.locator("[data-pick=kind-organization]").click()
    await expect(stranger.locator(f"#leaderboard tr[data-id='{branch}']")).to_contain_text("积分榜志愿支部")
    await stranger.locator("[data-pick=period-year]").click()
    await expect(stranger.locator("#leaderboard")).to_have_attribute("data-period", "year")
    await expect(stranger.locator(f"#leaderboard tr[data-id='{branch}']")).to_be_visible()
    await snap(stranger, screenshots, "leaderboards-phone")
    await stranger.goto("/lang/en?next=/leaderboards")
    await expect(stranger.locator("h1")).to_have_text("Leaderboards")
    await expect(stranger.locator("[data-pick=kind-organization]")).to_have_text("Organisations")

    secretary = await new_page(PHONE)
    await sign_in(secretary, f"wang-{community}")
    await secretary.goto("/leaderboards")  # the board of the organisation's own community
    await expect(secretary.locator("#leaderboard")).to_have_attribute("data-area", community)
    await expect(secretary.locator(f"#leaderboard tr[data-id='{member}']")).to_contain_text("王小明")

    await secretary.goto("/assessment")
    await expect(secretary.locator(f"#assessment tr[data-member='{member}']")).to_contain_text("王小明")
    await fits(secretary)
    await snap(secretary, screenshots, "assessment-phone")
    download = await secretary.request.get("/assessment.xlsx")
    assert download.ok, await download.text()
    sheet = load_workbook(BytesIO(await download.body())).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    expected = (await api.get("points", "/assessment", actor=organization(branch)))["items"]
    assert rows == [
        [
            "王小明",
            e["member_id"],
            e["points"],
            e["hours"],
            e["claims_completed"],
            e["activities_attended"],
        ]
        for e in expected
    ]
    assert rows and rows[0][1] == member and rows[0][4] == 1  # its one claim


async def test_a_city_administrator_changes_the_rules_a_value_out_of_range_refused(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Any, new_page: NewPage, screenshots: Path
) -> None:
    api = PlatformApi(stack, http)
    before = await api.get("points", "/rules")
    suffix = uuid4().hex[:6]
    await api.ensure_area(f"{DISTRICT}001001")  # the street administrator's street, known to the registry
    await portal_accounts(
        Account(username=f"city-{suffix}", name="市管理员", role=Role.AREA_ADMIN, area_code="350100"),
        Account(username=f"street-{suffix}", name="街道管理员", role=Role.AREA_ADMIN, area_code=f"{DISTRICT}001"),
    )
    try:
        admin = await new_page(PHONE)
        await sign_in(admin, f"city-{suffix}")
        await admin.goto("/rules")
        await expect(admin.locator("#rules-version")).to_have_attribute("data-version", str(before["version"]))
        await admin.fill("#change-rules input[name=daily_cap]", "-5")
        await admin.click("#change-rules button[type=submit]")
        await expect(admin.locator(".refused")).to_contain_text("daily_cap")
        assert (await api.get("points", "/rules"))["version"] == before["version"]  # nothing written

        await admin.fill("#change-rules input[name=points_per_wish]", str(before["points_per_wish"] + 1))
        await admin.click("#change-rules details summary")
        await admin.fill("#change-rules input[name=multiplier_elderly_care]", "1.5")
        await admin.click("#change-rules button[type=submit]")
        await expect(admin.locator(".notice")).to_be_visible()
        await expect(admin.locator("#rules-version")).to_have_attribute("data-version", str(before["version"] + 1))
        await fits(admin)
        await snap(admin, screenshots, "rules-phone")
        now = await api.get("points", "/rules")
        assert (now["points_per_wish"], now["category_multipliers"], now["made_by"]) == (
            before["points_per_wish"] + 1,
            {"elderly_care": 1.5},
            "350100",
        )

        street = await new_page(PHONE)
        await sign_in(street, f"street-{suffix}")
        await street.goto("/rules")
        await expect(street.locator("#change-rules")).to_have_count(0)
        await expect(street.locator("#rules [data-rule=points_per_wish]")).to_have_text(str(now["points_per_wish"]))
    finally:
        terms = {k: v for k, v in before.items() if k not in ("version", "made_at", "made_by")}
        restored = await http.put(stack.url("points") + "/rules", json=terms, headers=acting(CITY_ADMIN))
        assert restored.status_code == 200, restored.text
