"""The time bank walked in a real browser on phones: the community's administrator grants an
elderly resident minutes with a reason and sets the community's overdraft; she asks for a
service, her minutes held at once; a neighbour takes it; she confirms it done and the minutes go
to him; an ask past what she holds is refused with the service's reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import httpx
import pytest
from playwright.async_api import Page, expect

from devkit.browser import NewPage, fits, on_phone
from devkit.testing import PlatformApi, TestStack
from gateway.portal.accounts import Account, Role
from gateway.portal.web import CST

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
COMMUNITY = "350124992001"


async def held(page: Page) -> str | None:
    await page.goto("/timebank")
    return await page.locator("#my-minutes").get_attribute("data-minutes")


async def test_an_elder_granted_minutes_asks_a_neighbour_serves_and_she_confirms(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    await PlatformApi(stack, http).ensure_area(COMMUNITY)
    elder, _, _ = await portal_accounts(
        Account(username="zhang-nainai", name="张奶奶", role=Role.RESIDENT, area_code=COMMUNITY),
        Account(username="xiao-li", name="小李", role=Role.RESIDENT, area_code=COMMUNITY),
        Account(username="tb-guanli", name="社区管理员", role=Role.AREA_ADMIN, area_code=COMMUNITY),
    )
    admin = await on_phone(new_page, "tb-guanli")
    await admin.goto("/admin")
    await admin.click("#to-timebank")
    await admin.select_option("#grant-form select[name=kind]", "resident")
    await admin.fill("#grant-form input[name=person]", elder.id)
    await admin.fill("#grant-form input[name=minutes]", "120")
    await admin.fill("#grant-form input[name=reason]", "八十岁独居老人")
    await admin.click("button[data-move=grant]")
    await expect(admin.locator(".refused")).to_have_count(0)
    await expect(admin.locator("#grants")).to_contain_text("八十岁独居老人")
    await fits(admin)

    grandma = await on_phone(new_page, "zhang-nainai")
    assert await held(grandma) == "120"
    await expect(grandma.locator("#my-account")).to_have_text(f"resident:{elder.id}")
    when = (datetime.now(CST) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    await grandma.fill("#ask-form input[name=what]", "陪同去医院复诊")
    await grandma.fill("#ask-form input[name=when]", when)
    await grandma.fill("#ask-form input[name=minutes]", "90")
    await grandma.click("button[data-move=ask]")
    await expect(grandma.locator(".refused")).to_have_count(0)
    await expect(grandma.locator("#my-minutes")).to_have_attribute("data-minutes", "30")
    await fits(grandma)

    await grandma.fill("#ask-form input[name=what]", "打扫卫生")
    await grandma.fill("#ask-form input[name=when]", when)
    await grandma.fill("#ask-form input[name=minutes]", "60")
    await grandma.click("button[data-move=ask]")
    await expect(grandma.locator(".refused")).to_contain_text("30")  # what she holds, as the service says
    await expect(grandma.locator("#my-minutes")).to_have_attribute("data-minutes", "30")

    await admin.fill("#overdraft input[name=overdraft]", "60")
    await admin.click("button[data-move=overdraft]")
    await expect(admin.locator("#overdraft")).to_have_attribute("data-overdraft", "60")

    helper = await on_phone(new_page, "xiao-li")
    await helper.goto("/timebank")
    card = helper.locator("#open-asks [data-ask]", has_text="陪同去医院复诊")
    await card.locator("button[data-move=take]").click()
    await expect(helper.locator(".refused")).to_have_count(0)
    await expect(helper.locator("#my-asks [data-ask]", has_text="陪同去医院复诊")).to_have_attribute(
        "data-status", "taken"
    )

    await grandma.goto("/timebank")
    mine = grandma.locator("#my-asks [data-ask]", has_text="陪同去医院复诊")
    await expect(mine).to_contain_text("小李")
    await mine.locator("button[data-move=confirm]").click()
    await expect(grandma.locator(".refused")).to_have_count(0)
    await expect(grandma.locator("#my-asks [data-ask]", has_text="陪同去医院复诊")).to_have_attribute(
        "data-status", "done"
    )
    assert await held(helper) == "90"
    assert await held(grandma) == "30"
