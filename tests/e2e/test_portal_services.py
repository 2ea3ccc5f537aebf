"""Services and lendables in the city portal, in a real browser against the whole stack: a
resident requests an organisation's service on a phone, the organisation's administrator
accepts it and marks it done, the resident sees it done and rates it; lendables have a list of
their own. Screenshots of the pages passed through go to artifacts/screenshots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from contract.opening_hours import LOCAL
from devkit.browser import DESKTOP, PHONE, NewPage, fits, sign_in, snap
from devkit.testing import PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]


async def test_a_resident_requests_a_service_the_provider_accepts_and_marks_it_done(
    stack: TestStack,
    http: httpx.AsyncClient,
    new_page: NewPage,
    portal_accounts: Accounts,
    screenshots: Path,
) -> None:
    api = PlatformApi(stack, http)
    community = "350105003001"
    provider = await api.register_organization("社区志愿服务队党支部", community, kind="social_organization")
    service_id = await api.share_resource(
        provider, "elderly_care", community, capacity=5, kind="service", name="上门助浴服务", capacity_period="month"
    )
    await portal_accounts(
        Account(username="zhao-nainai", name="赵奶奶", role=Role.RESIDENT, area_code=community),
        Account(username="sun-duizhang", name="孙队长", role=Role.ORG_ADMIN, organization_id=provider),
    )
    resident, administrator = await new_page(PHONE), await new_page(DESKTOP)
    wanted_on = (datetime.now(LOCAL) + timedelta(days=3)).date()
    period = wanted_on.strftime("%Y-%m")

    await sign_in(resident, "zhao-nainai")
    await resident.goto(f"/services?area_code={community}")
    await resident.click(f"[data-resource='{service_id}'] a")
    await expect(resident.locator(f".periods [data-period='{period}'] b")).to_have_text("5")
    await resident.fill("#request input[name=wanted_on]", wanted_on.isoformat())
    await resident.fill("#request input[name=quantity]", "2")
    await resident.fill("#request input[name=note]", "周三上午")
    await fits(resident)
    await snap(resident, screenshots, "service-request-phone")
    await resident.click("#request button[type=submit]")
    await expect(resident.locator(".notice")).to_have_text("申请已提交，等待提供方确认")
    row = resident.locator("#my-requests [data-request]")
    await expect(row.locator("[data-status]")).to_have_attribute("data-status", "requested")
    await expect(row).to_contain_text("上门助浴服务")
    await fits(resident)
    request_id = await row.get_attribute("data-request")

    await sign_in(administrator, "sun-duizhang")
    received = administrator.locator(f"#requests-received [data-request='{request_id}']")
    await expect(received.locator(".requester")).to_have_text("赵奶奶")
    await expect(received).to_contain_text(wanted_on.isoformat())
    await expect(received).to_contain_text("周三上午")
    await expect(received.locator(".left")).to_have_text("5")
    await received.locator("button[name=accept]").click()
    await expect(received.locator("[data-status]")).to_have_attribute("data-status", "accepted")
    await expect(received.locator(".left")).to_have_text("3")  # the two taken from that month
    await snap(administrator, screenshots, "service-requests-received")
    await received.locator("button[name=complete]").click()
    await expect(received.locator("[data-status]")).to_have_attribute("data-status", "completed")
    await expect(received.locator("[data-status]")).to_have_text("已完成")

    await resident.goto("/me")
    done = resident.locator(f"#my-requests [data-request='{request_id}']")
    await expect(done.locator("[data-status]")).to_have_attribute("data-status", "completed")
    await expect(done.locator("button[name=cancel]")).to_have_count(0)
    await resident.click("a.lang")
    await expect(done.locator("[data-status]")).to_have_text("done")

    to_rate = resident.locator(f"#to-rate [data-subject='service_request:{request_id}']")
    for _ in range(20):  # it waits there once the needs service has heard the request was done
        if await to_rate.count():
            break
        await resident.wait_for_timeout(500)
        await resident.reload()
    await to_rate.locator("select[name=stars]").select_option("5")
    await to_rate.locator("input[name=comment]").fill("Gentle and on time")
    await to_rate.locator("button[data-move=rate]").click()
    await expect(to_rate).to_have_count(0)
    await resident.goto(f"/organizations/{provider}")
    await expect(resident.locator("#ratings")).to_have_attribute("data-average", "5.0")
    await expect(resident.locator("#ratings")).to_contain_text("Gentle and on time")


async def test_the_lendables_page_lists_an_organisations_lendable(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage
) -> None:
    api = PlatformApi(stack, http)
    community = "350105003002"
    lender = await api.register_organization("社区物资站党支部", community)
    lendable_id = await api.share_resource(lender, "venue", community, capacity=20, kind="lendable", name="折叠椅")
    page = await new_page(PHONE)

    await page.goto("/services")
    await page.click(".menu-toggle")  # on a phone the menu opens first
    await page.click("#menu a[href='/lendables']")
    await page.fill("form.filters input[name=area_code]", community)
    await page.click("form.filters button[type=submit]")
    await page.click(f"[data-resource='{lendable_id}'] a")
    await expect(page.locator("h1")).to_have_text("折叠椅")
    await expect(page.locator(".request h2")).to_have_text("申请借用")
    await expect(page.locator("a[href^='/login']", has_text="登录后可申请")).to_be_visible()
    await fits(page)
