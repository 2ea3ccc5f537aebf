"""The messages bell walked in a real browser on phones: a resident posts a micro-wish; a member
of an organisation claims it on the wish wall; the resident, her page left open, sees the bell's
count go up without reloading, opens her messages, and the message takes her to her wish. In
English the same message reads in English. And an organisation's administrator, its dashboard
open, is told of a claim another organisation made on its need, and opens the need."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from playwright.async_api import expect

from devkit.browser import NewPage, fits, on_phone
from devkit.testing import PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
COMMUNITY = "350124993001"


async def test_a_resident_is_told_her_wish_was_claimed_and_the_message_takes_her_to_it(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    volunteers = await PlatformApi(stack, http).register_organization("东街志愿服务队党支部", COMMUNITY)
    await portal_accounts(
        Account(username="dongjie-ayi", name="东阿姨", role=Role.RESIDENT, area_code=COMMUNITY),
        Account(username="dongjie-dangyuan", name="东党员", role=Role.MEMBER, organization_id=volunteers),
    )
    resident = await on_phone(new_page, "dongjie-ayi")
    await resident.goto("/me")
    await resident.fill("form[action='/me/wishes'] input[name=title]", "想要一副老花镜")
    await resident.click("form[action='/me/wishes'] button[type=submit]")
    wish = resident.locator("[data-wish]", has_text="想要一副老花镜")
    wish_id = await wish.get_attribute("data-wish")
    bell = resident.locator("#bell")
    await expect(bell).to_have_attribute("data-count", "0")

    member = await on_phone(new_page, "dongjie-dangyuan")
    await member.goto(f"/wishes?area={COMMUNITY}")
    await member.locator(f"#wall [data-wish='{wish_id}'] button[data-move=claim]").click()
    await expect(member.locator(f"#ours [data-wish='{wish_id}']")).to_have_attribute("data-status", "claimed")

    await expect(bell).to_have_attribute("data-count", "1", timeout=40_000)  # the page was not reloaded
    await expect(bell.locator(".count")).to_have_text("1")
    await bell.click()
    message = resident.locator("#messages [data-kind=wish]")
    await expect(message).to_contain_text("认领")
    await expect(message).to_have_class("card unread")
    await fits(resident)
    await message.locator("a").click()
    await expect(resident).to_have_url(f"{stack.url('gateway')}/me#wish-{wish_id}")
    await expect(resident.locator(f"#wish-{wish_id}")).to_be_visible()
    await expect(bell).to_have_attribute("data-count", "0")

    await resident.goto("/lang/en?next=/inbox")
    await expect(resident.locator("#messages [data-kind=wish]")).to_contain_text("taken on by an organisation")
    await expect(resident.locator("#messages .unread")).to_have_count(0)


async def test_an_organisations_administrator_is_told_of_a_claim_on_its_need_and_opens_the_need(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("东街社区党委", COMMUNITY)
    helpers = await api.register_organization("东街青年志愿队", COMMUNITY)
    need_id = await api.post_need(poster, "elderly_care", COMMUNITY, quantity=3)
    await portal_accounts(
        Account(username="dongjie-shuji", name="东书记", role=Role.ORG_ADMIN, organization_id=poster),
        Account(username="dongjie-duizhang", name="东队长", role=Role.ORG_ADMIN, organization_id=helpers),
    )
    secretary = await on_phone(new_page, "dongjie-shuji")
    await secretary.goto("/org")
    bell = secretary.locator("#bell")
    await expect(bell).to_have_attribute("data-count", "0")

    leader = await on_phone(new_page, "dongjie-duizhang")
    await leader.goto(f"/needs/{need_id}")
    await leader.fill(f"form[action='/needs/{need_id}/claim'] input[name=quantity]", "2")
    await leader.click(f"form[action='/needs/{need_id}/claim'] button[type=submit]")
    await expect(leader.locator(".refused")).to_have_count(0)

    await expect(bell).to_have_attribute("data-count", "1", timeout=40_000)
    await leader.goto("/inbox")  # the claim is decided by now: its claimer is not told of it
    await expect(leader.locator("#messages [data-kind=claim]")).to_have_count(0)
    await bell.click()
    message = secretary.locator("#messages [data-kind=claim]")
    await expect(message).to_contain_text("2 人次")
    await message.locator("a").click()
    await expect(secretary).to_have_url(f"{stack.url('gateway')}/needs/{need_id}")
