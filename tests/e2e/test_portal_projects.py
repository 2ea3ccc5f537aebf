"""A project of the project list (项目清单) walked in a real browser on phones, through the portal
only: an organisation's administrator publishes it with a milestone and a budget, marks the
milestone done (person-times served) and records spending by funder; spending past the budget is
refused, saying why, until the community's administrator approves it; the project is in public
notice (公示), where a resident objects and the organisation is told in its messages; a need of
the organisation's is added to the project, whose page adds it up; in English the public page
reads in English."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx
import pytest
from playwright.async_api import expect

from devkit.browser import NewPage, fits, on_phone
from devkit.testing import PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
COMMUNITY = "350124984001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


async def test_a_project_in_public_notice_takes_an_objection_and_its_spending_stays_within_what_was_allowed(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    api = PlatformApi(stack, http)
    owner = await api.register_organization("东湖社区党委", COMMUNITY)
    need_id = await api.post_need(owner, "elderly_care", COMMUNITY, quantity=6, title="助餐点志愿者招募")
    secretary, officer, neighbour = (f"{n}-{uuid.uuid4().hex[:6]}" for n in ("donghu", "donghu-shequ", "donghu-jumin"))
    await portal_accounts(
        Account(username=secretary, name="东湖书记", role=Role.ORG_ADMIN, organization_id=owner),
        Account(username=officer, name="东湖社区", role=Role.AREA_ADMIN, area_code=COMMUNITY),
        Account(username=neighbour, name="东湖居民", role=Role.RESIDENT, area_code=COMMUNITY),
    )
    today = date.today()
    page = await on_phone(new_page, secretary)
    await page.goto("/org")
    await page.click("#to-projects")
    form = page.locator("#publish-project")
    await form.locator("input[name=title]").fill("银龄助餐社区食堂")
    await form.locator("input[name=starts_on]").fill(today.isoformat())
    await form.locator("input[name=ends_on]").fill((today + timedelta(days=200)).isoformat())
    await form.locator("input[name=budget]").fill("10000")
    await form.locator("input[name=planned_person_times]").fill("500")
    await form.locator("input[name=m1_title]").fill("选址装修")
    await form.locator("input[name=m1_due_on]").fill((today + timedelta(days=30)).isoformat())
    await form.locator("button[type=submit]").click()
    await page.locator("#projects a", has_text="银龄助餐社区食堂").click()
    project_url = page.url

    await page.set_input_files(
        "#add-photo input[name=photo]", {"name": "site.png", "mimeType": "image/png", "buffer": PNG}
    )
    await page.click("#add-photo button[data-move=add-photo]")
    await expect(page.locator("#photos img.proof")).to_have_count(1)

    milestone = page.locator("#milestones [data-milestone]").first
    await milestone.locator("input[name=done_on]").fill(today.isoformat())
    await milestone.locator("input[name=served]").fill("40")
    await milestone.locator("button[data-move=milestone-done]").click()
    await expect(page.locator("#in-notice")).to_be_visible()
    await expect(page.locator("#served")).to_have_text("40 / 500")

    async def spend(amount: str, funder: str, what: str) -> None:
        spending = page.locator("#spend")
        await spending.locator("input[name=on]").fill(today.isoformat())
        await spending.locator("input[name=amount]").fill(amount)
        await spending.locator("input[name=funder]").fill(funder)
        await spending.locator("input[name=what]").fill(what)
        await spending.locator("button[type=submit]").click()

    await spend("8000", "市总工会", "装修")
    await expect(page.locator("#spent")).to_have_text("¥8000")
    await spend("3000", "街道", "厨具")
    await expect(page.locator(".refused")).to_contain_text("须社区管理员批准")
    await expect(page.locator("#spent")).to_have_text("¥8000")
    await fits(page)

    resident = await on_phone(new_page, neighbour)
    await resident.goto(project_url)
    await resident.fill("#comment textarea[name=text]", "选址离小区太远，老人走不过去")
    await resident.check("#comment input[name=objection]")
    await resident.click("#comment button[type=submit]")
    await expect(resident.locator("#comments [data-objection]")).to_contain_text("选址离小区太远")

    community = await on_phone(new_page, officer)
    await community.goto(project_url)
    await community.fill("#approve input[name=amount]", "1000")
    await community.fill("#approve input[name=note]", "厨具涨价，同意超支")
    await community.click("#approve button[type=submit]")
    await expect(community.locator(".notice")).to_be_visible()

    await page.goto("/inbox")
    await expect(page.locator("#messages [data-kind=project]")).to_contain_text("异议", timeout=15_000)
    await page.goto(project_url)
    await spend("3000", "街道", "厨具")
    await expect(page.locator("#spent")).to_have_text("¥11000")
    await expect(page.locator("#figures [data-funder]")).to_have_count(2)
    await page.select_option("#link select[name=item]", f"need:{need_id}")  # the project's own need belongs to it
    await page.click("#link button[data-move=link]")
    await expect(page.locator("#linked [data-linked=need]")).to_contain_text("助餐点志愿者招募")
    await expect(page.locator("#linked-totals")).to_contain_text("需求清单 1")

    await resident.goto(f"/lang/en?next=/projects/{project_url.rsplit('/', 1)[1]}")
    await expect(resident.locator("#in-notice")).to_contain_text("in public notice until")
    await expect(resident.locator("#comments h2")).to_have_text("Comments and objections")
    await fits(resident)
