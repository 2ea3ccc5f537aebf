"""Each lifecycle walked to its end in a real browser (Chromium, driven by Playwright), every
step by the person who takes it and through the portal only: a need posted, claimed, started,
completed, fulfilled, confirmed and rated; a resident's wish claimed on the wish wall, proved,
confirmed, thanked and rated. The partner API's side of the same is `test_partner_needs`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from devkit.testing import PORTAL_PASSWORD, PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
DISTRICT = "350124"  # each test takes a street of its own below it
_streets = iter(range(100, 999))


def new_community() -> str:
    return f"{DISTRICT}{next(_streets):03d}001"


SignedIn = Callable[[str], Awaitable[Page]]


@pytest.fixture
async def signed_in(browser: Browser, stack: TestStack) -> AsyncIterator[SignedIn]:
    """A page signed in as one account, each in a browser profile of its own, phone-sized (the
    portal's people mostly are on phones); a script error on any of them fails the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    async def make(username: str) -> Page:
        context = await browser.new_context(
            base_url=stack.url("gateway"), viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        await page.goto("/login")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", PORTAL_PASSWORD)
        await page.click("form[action='/login'] button[type=submit]")
        await expect(page.locator("header .who")).to_be_visible()
        return page

    yield make
    for context in contexts:
        await context.close()
    assert not errors, f"scripts failed: {errors}"


async def move(page: Page, selector: str, status: str, where: str = "#need-status") -> None:
    """Presses a move's button and waits for the page to show the state it led to."""
    await page.locator(selector).click()
    await expect(page.locator(".refused")).to_have_count(0)
    await expect(page.locator(where)).to_have_attribute("data-status", status)


async def csrf(page: Page) -> str:
    """The visitor's form token, as every form on the page carries it."""
    token = await page.locator("input[name=csrf]").first.get_attribute("value")
    assert token
    return token


async def snap(page: Page, folder: Path, name: str) -> None:
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


async def figure(page: Page, area_code: str, key: str) -> int:
    await page.goto(f"/areas/{area_code}")
    return int((await page.locator(f"[data-figure='{key}'] b").inner_text()).replace(",", ""))


class TestANeed:
    async def test_is_posted_claimed_started_completed_fulfilled_and_confirmed_each_by_its_own_people(
        self,
        stack: TestStack,
        http: httpx.AsyncClient,
        portal_accounts: Accounts,
        signed_in: SignedIn,
        screenshots: Path,
    ) -> None:
        api = PlatformApi(stack, http)
        community = new_community()
        poster = await api.register_organization("东街社区党委", community, kind="party_committee")
        helper = await api.register_organization("东街医院党支部", community)
        await portal_accounts(
            Account(username="dong-shuji", name="董书记", role=Role.ORG_ADMIN, organization_id=poster),
            Account(username="yi-zhuren", name="易主任", role=Role.ORG_ADMIN, organization_id=helper),
            Account(username="jie-guanli", name="街道管理员", role=Role.AREA_ADMIN, area_code=community[:9]),
        )
        secretary, doctor = await signed_in("dong-shuji"), await signed_in("yi-zhuren")
        served_before = await figure(secretary, community, "claims_completed")

        await secretary.goto("/org/needs/new")
        await secretary.fill("input[name=title]", "重阳节义诊")
        await secretary.select_option("select[name=category]", "medical")
        await secretary.fill("input[name=quantity]", "3")
        await secretary.click("form[action='/org/needs'] button[type=submit]")
        await expect(secretary.locator("#need-status")).to_have_attribute("data-status", "open")
        need_url = secretary.url.split("?")[0]

        await secretary.locator("#edit-need summary, details summary").first.click()
        await secretary.fill("#edit-need textarea[name=description]", "带血压计,上午九点到")
        await secretary.click("#edit-need button[type=submit]")
        await expect(secretary.locator("article")).to_contain_text("带血压计")

        await doctor.goto(need_url)
        await doctor.fill("input[name=quantity]", "2")
        await move(doctor, "form[action$='/claim'] button", "partly_claimed")
        claim = doctor.locator("[data-claim]")
        await expect(claim).to_have_attribute("data-status", "live")
        await doctor.goto("/org")
        await expect(doctor.locator("[data-claim]")).to_contain_text("开始服务")  # what to do next
        await doctor.goto(need_url)
        await move(doctor, "[data-claim] button[data-move=start]", "started", "[data-claim]")

        await secretary.goto(need_url)
        await move(secretary, "button[data-move=start]", "in_progress")
        await secretary.fill("[data-claim] input[name=served]", "40")
        await move(secretary, "[data-claim] button[data-move=complete]", "completed", "[data-claim]")
        await expect(secretary.locator("[data-claim]")).to_contain_text("40")
        await move(secretary, "button[data-move=fulfil]", "fulfilled")
        await snap(secretary, screenshots, "need-fulfilled")

        street = await signed_in("jie-guanli")
        await street.goto(need_url)
        await move(street, "button[data-move=confirm]", "confirmed")
        await expect(street.locator("#need-status")).to_have_text("已确认")

        assert await figure(street, community, "claims_completed") == served_before + 40

    async def test_refuses_a_move_its_state_does_not_allow_in_the_visitors_language(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, signed_in: SignedIn
    ) -> None:
        api = PlatformApi(stack, http)
        community = new_community()
        poster = await api.register_organization("西街社区党委", community)
        need_id = await api.post_need(poster, "medical", community, quantity=1)
        await portal_accounts(Account(username="xi-shuji", name="席书记", role=Role.ORG_ADMIN, organization_id=poster))
        secretary = await signed_in("xi-shuji")
        await secretary.goto(f"/needs/{need_id}")
        await move(secretary, "button[data-move=cancel]", "cancelled")
        assert await secretary.locator("#need-moves button").count() == 0  # nothing left to do

        before = await api.get("needs", f"/needs/{need_id}")
        form = secretary.locator("form[action$='/claim']")
        assert await form.count() == 0
        answer = await secretary.request.post(
            f"/needs/{need_id}/start", form={"csrf": await csrf(secretary)}, max_redirects=0
        )
        assert answer.status == 303
        await secretary.goto(f"/needs/{need_id}")
        await expect(secretary.locator(".refused")).to_contain_text("已取消")
        assert (await api.get("needs", f"/needs/{need_id}"))["version"] == before["version"]
