"""双报到 walked in a real browser on phones, each step by its own person: a working Party member
declares the community where they live, the community's administrator accepts, the member sees
that community's needs first and marked (on their dashboard and in the city's list), serves one,
and their organisation's administrator reads the month's report of the hours served there and
downloads it as XLSX with the same rows."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import expect

from devkit.browser import NewPage, fits, on_phone, snap
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, eventually, organization
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
HOME = "350124990001"  # where the member lives
WORKPLACE = "350124991001"  # where their Party branch is


async def test_a_member_registers_at_home_is_accepted_serves_and_is_reported_to_their_branch(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage, screenshots: Path
) -> None:
    api = PlatformApi(stack, http)
    community = await api.register_organization("家园社区党委", HOME, kind="party_committee")
    branch = await api.register_organization("市医院党支部", WORKPLACE)
    body = {"name": "林党员", "phone": "13912345678", "roles": ["party_member"], "organization_ids": [branch]}
    member_id = (await api.post("organizations", "/members", body, actor=PLATFORM))["id"]
    await portal_accounts(
        Account(username="lin-dangyuan", name="林党员", role=Role.MEMBER, organization_id=branch, member_id=member_id),
        Account(username="yiyuan-shuji", name="医院书记", role=Role.ORG_ADMIN, organization_id=branch),
        Account(username="jiayuan-guanli", name="家园社区管理员", role=Role.AREA_ADMIN, area_code=HOME),
    )

    member = await on_phone(new_page, "lin-dangyuan")
    await member.goto("/org")
    await member.click("#to-registration")
    await member.fill("input[name=community_code]", HOME)
    await member.click("button[data-move=declare]")
    await expect(member.locator(".refused")).to_have_count(0)
    await expect(member.locator("#registration")).to_have_attribute("data-status", "pending")
    await fits(member)

    admin = await on_phone(new_page, "jiayuan-guanli")
    await admin.goto("/admin")
    await admin.click("#to-registrations")
    waiting = admin.locator("#waiting [data-registration]", has_text="林党员")
    await expect(waiting).to_have_count(1)
    await fits(admin)
    await waiting.locator("button[data-move=accept]").click()
    await expect(admin.locator(".refused")).to_have_count(0)
    await expect(admin.locator("#waiting [data-registration]", has_text="林党员")).to_have_count(0)

    await member.reload()
    await expect(member.locator("#registration")).to_have_attribute("data-status", "accepted")
    starts = datetime.now(UTC) + timedelta(days=1)
    window = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=150)).isoformat()}
    need_id = await api.post_need(community, "elderly_care", HOME, quantity=1, title="陪老人就医", **window)
    await member.goto("/org")
    home = member.locator("#home-community")
    await expect(home).to_have_attribute("data-community", HOME)
    await expect(home.locator(f"[data-need='{need_id}'] .tag.home")).to_be_visible()
    await snap(member, screenshots, "registration-member-home")
    await member.goto("/needs")  # the needs of the whole city: the member's community's first, marked
    first = member.locator("ul.results [data-need]").first
    await expect(first).to_have_attribute("data-need", need_id)
    await expect(first).to_have_attribute("data-home", "true")

    async def claimed() -> dict[str, Any]:  # the needs service hears of the member from the registry
        response = await http.post(
            stack.url("needs") + f"/needs/{need_id}/claims",
            json={"quantity": 1},
            headers=acting(organization(branch, member_id=member_id)),
        )
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        return made

    claim = await eventually(claimed)
    await api.post("needs", f"/needs/{need_id}/claims/{claim['id']}/complete", {}, 200, actor=organization(community))

    secretary = await on_phone(new_page, "yiyuan-shuji")

    async def reported() -> None:
        await secretary.goto("/org/registration-report")
        total = secretary.locator(f"[data-member-total='{member_id}']")
        assert await total.count() == 1 and await total.get_attribute("data-minutes") == "150"

    await secretary.goto("/org")
    await secretary.click("#to-registration-report")
    await eventually(reported)
    await expect(secretary.locator("#report")).to_contain_text("陪老人就医")
    await expect(secretary.locator("#report")).to_contain_text("2:30")
    await fits(secretary)
    await snap(secretary, screenshots, "registration-report")

    async with secretary.expect_download() as downloading:
        await secretary.click("#download")
    downloaded = await (await downloading.value).path()
    sheet = load_workbook(io.BytesIO(await asyncio.to_thread(Path(downloaded).read_bytes))).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [
        ["林党员", member_id, HOME, "陪老人就医", 1, 150, "2:30"],
        ["林党员", member_id, HOME, "合计 Total", 1, 150, "2:30"],
    ]
    shown = [
        [(await cell.inner_text()).strip() for cell in await row.locator("td").all()]
        for row in await secretary.locator("#report tbody tr").all()
    ]
    home = f"district {HOME[:6]}·street {HOME[:9]}·community {HOME}"  # the page names the place
    assert [[r[0], r[1], r[2], r[4]] for r in shown] == [
        ["林党员", home, "陪老人就医", "2:30"],
        ["林党员", home, "合计", "2:30"],
    ]
