"""The points shop (积分超市) walked in a real browser on a phone, through the portal only: an
organisation's administrator shelves an item, a member with points redeems it and sees their
pickup code and its QR, the shop opens the page the QR leads to and confirms the pickup by
typing the code; the balances before and after are read on the pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from playwright.async_api import Page, expect

from contract.events import NEEDS_TOPIC
from contract.ids import new_id
from devkit.browser import PHONE, NewPage, fits, sign_in
from devkit.points import fund
from devkit.testing import PORTAL_PASSWORD, PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

COMMUNITY = "350126001001"
Accounts = Callable[..., Awaitable[list[Account]]]


async def points_shown(page: Page) -> int:
    await page.goto("/shop")
    return int(await page.locator("#balance").get_attribute("data-points") or "-1")


async def test_an_item_is_shelved_redeemed_and_handed_over_by_its_code(
    stack: TestStack,
    http: httpx.AsyncClient,
    portal_accounts: Callable[..., Awaitable[list[Account]]],
    new_page: NewPage,
) -> None:
    api = PlatformApi(stack, http)
    merchant = await api.register_organization("幸福里积分超市", COMMUNITY, kind="shop")
    branch = await api.register_organization("幸福里社区党支部", COMMUNITY)
    buyer = new_id()
    needs, group = stack.topic(NEEDS_TOPIC), stack.group("points")
    await fund(stack.kafka, needs, group, [buyer], served=2, claimer=branch, poster=merchant)  # 20 points
    await portal_accounts(
        Account(username="shop-keeper", name="店长", role=Role.ORG_ADMIN, organization_id=merchant),
        Account(username="shop-buyer", name="李党员", role=Role.MEMBER, organization_id=branch, member_id=buyer),
    )
    keeper, member = await new_page(PHONE), await new_page(PHONE)
    await sign_in(keeper, "shop-keeper")
    await sign_in(member, "shop-buyer")

    await keeper.goto("/org/shop")
    await keeper.fill("#shelve input[name=name]", "爱心大米")
    await keeper.select_option("#shelve select[name=kind]", "goods")
    await keeper.fill("#shelve input[name=price]", "15")
    await keeper.fill("#shelve input[name=stock]", "2")
    await expect(keeper.locator("#shelve input[name=area_code]")).to_have_value(COMMUNITY)
    await keeper.click("#shelve button[type=submit]")
    await expect(keeper.locator(".refused")).to_have_count(0)
    await expect(keeper.locator("#our-items")).to_contain_text("爱心大米")
    await fits(keeper)

    assert await points_shown(member) == 20
    card = member.locator("#items [data-item]", has_text="爱心大米")
    await card.locator("button[data-move=redeem]").click()
    await expect(member.locator(".refused")).to_have_count(0)
    order = member.locator("#orders [data-status=ordered]", has_text="爱心大米")
    await expect(order.locator("img.qr")).to_be_visible()
    code = await order.locator("[data-code]").get_attribute("data-code")
    assert code and len(code) == 8
    await expect(member.locator("#balance")).to_have_attribute("data-points", "5")
    await expect(card).to_contain_text("1")  # one left
    await fits(member)

    await keeper.goto("/org/shop")
    await expect(keeper.locator("#to-hand-over")).to_contain_text("爱心大米")
    scanned = await new_page(PHONE)  # the QR opened on a phone not signed in yet: sign in, then the order
    await scanned.goto(f"/org/shop/pickup?code={code}")
    await scanned.fill("input[name=username]", "shop-keeper")
    await scanned.fill("input[name=password]", PORTAL_PASSWORD)
    await scanned.click("form[action='/login'] button[type=submit]")
    await expect(scanned.locator("#order")).to_have_attribute("data-status", "ordered")
    await keeper.goto("/org/shop")
    await keeper.fill("#pickup input[name=code]", code)
    await keeper.click("#pickup button[type=submit]")
    await expect(keeper.locator(".refused")).to_have_count(0)
    await expect(keeper.locator("#to-hand-over [data-order]")).to_have_count(0)
    await keeper.fill("#pickup input[name=code]", code)  # a code is good once
    await keeper.click("#pickup button[type=submit]")
    await expect(keeper.locator(".refused")).to_have_count(1)

    assert await points_shown(member) == 5
    await expect(member.locator("#orders [data-status=picked_up]")).to_contain_text("爱心大米")
    await member.goto("/lang/en?next=/shop")
    await expect(member.locator("h1")).to_have_text("Points shop")
    await expect(member.locator("#orders [data-status=picked_up]")).to_contain_text("picked up")
