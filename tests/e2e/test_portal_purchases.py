"""A purchase of services (购买服务) walked in a real browser on phones, through the portal only: a
street's administrator publishes what it buys; a social organisation offers (told in its messages
once awarded); the street awards it; the organisation records a delivery (person-times served);
a resident of the street rates it; spending against budget, person-times per ¥10,000 and the
figures per area and year add it up."""

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
COMMUNITY = "350124983001"


async def test_a_street_buys_a_service_awards_it_and_sees_what_it_served(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    provider = await PlatformApi(stack, http).register_organization(
        "心语社工服务中心", COMMUNITY, kind="social_organization"
    )
    street, social, neighbour = (f"{n}-{uuid.uuid4().hex[:6]}" for n in ("xijie", "xinyu", "xijie-jumin"))
    await portal_accounts(
        Account(username=street, name="西街街道", role=Role.AREA_ADMIN, area_code=COMMUNITY[:9]),
        Account(username=social, name="心语社工", role=Role.ORG_ADMIN, organization_id=provider),
        Account(username=neighbour, name="西街居民", role=Role.RESIDENT, area_code=COMMUNITY),
    )
    today = date.today()
    buyer = await on_phone(new_page, street)
    await buyer.goto("/purchases")
    form = buyer.locator("#publish-purchase")
    title = f"独居老人心理关爱服务 {uuid.uuid4().hex[:4]}"
    await form.locator("input[name=title]").fill(title)
    await form.locator("textarea[name=service]").fill("每月上门心理疏导两次")
    await form.locator("input[name=for_whom]").fill("辖区独居老人")
    await form.locator("input[name=budget]").fill("50000")
    await form.locator("input[name=starts_on]").fill((today - timedelta(days=30)).isoformat())
    await form.locator("input[name=ends_on]").fill((today + timedelta(days=300)).isoformat())
    await form.locator("button[type=submit]").click()
    await buyer.locator("#purchases a", has_text=title).click()
    purchase_url = buyer.url

    seller = await on_phone(new_page, social)
    await seller.goto(purchase_url)
    await seller.fill("#offer input[name=price]", "40000")
    await seller.fill("#offer textarea[name=plan]", "两名持证社工，每月上门两次")
    await seller.click("#offer button[type=submit]")
    await expect(seller.locator("#offers [data-offer]")).to_have_count(1)

    await buyer.reload()
    await buyer.locator("#offers button[data-move=award]").click()
    await expect(buyer.locator("#purchase-status")).to_have_attribute("data-status", "awarded")
    await expect(buyer.locator("#awarded-to")).to_have_text("心语社工服务中心")
    await fits(buyer)

    await seller.goto("/inbox")
    await expect(seller.locator("#messages [data-kind=purchase]")).to_contain_text("中标", timeout=15_000)
    await seller.goto(purchase_url)
    await seller.fill("#deliver input[name=on]", today.isoformat())
    await seller.fill("#deliver input[name=person_times]", "80")
    await seller.click("#deliver button[type=submit]")
    await expect(seller.locator("#served")).to_have_text("80")
    await expect(seller.locator("#per-10k")).to_have_text("20.0")

    resident = await on_phone(new_page, neighbour)
    await resident.goto(purchase_url)
    await resident.select_option("#rate-purchase select[name=stars]", "5")
    await resident.click("#rate-purchase button[type=submit]")
    await expect(resident.locator("#stars")).to_have_text("5.0")

    await buyer.goto(f"/purchases/figures?area={COMMUNITY[:6]}")
    row = buyer.locator(f"#figures tr[data-area='{COMMUNITY[:9]}']")
    await expect(row.locator("[data-served]")).to_have_text("80")
    await fits(buyer)
