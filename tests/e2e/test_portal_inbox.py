"""The messages bell walked in a real browser on phones: a resident posts a micro-wish; a member
of an organisation claims it on the wish wall; the resident, her page left open, sees the bell's
count go up without reloading, opens her messages, and the message takes her to her wish. In
English the same message reads in English. An organisation's administrator, its dashboard
open, is told of a claim another organisation made on its need, and opens the need. And a
venue's administrator gives a mail address in the notification settings and confirms it from
the link mailed there; a booking made on the venue's page reaches them by mail (read from the
local stack's mail catcher), whose link opens the approvals, and whose unsubscribe link turns
those mails off."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx
import pytest
from playwright.async_api import expect

from devkit.browser import NewPage, fits, on_phone
from devkit.testing import PlatformApi, TestStack, eventually, mails_to
from gateway.portal import inbox
from gateway.portal.accounts import Account, Role
from notifications import table as notifications_table

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
    await expect(bell).to_have_attribute("data-listening", "1")  # the page hears of new messages

    member = await on_phone(new_page, "dongjie-dangyuan")
    await member.goto(f"/wishes?area={COMMUNITY}")
    await member.locator(f"#wall [data-wish='{wish_id}'] button[data-move=claim]").click()
    await expect(member.locator(f"#ours [data-wish='{wish_id}']")).to_have_attribute("data-status", "claimed")

    # the page was not reloaded, and it asks for the count by itself only once a minute: it was told
    await expect(bell).to_have_attribute("data-count", "1", timeout=15_000)
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
    await expect(bell).to_have_attribute("data-listening", "1")

    leader = await on_phone(new_page, "dongjie-duizhang")
    await leader.goto(f"/needs/{need_id}")
    await leader.fill(f"form[action='/needs/{need_id}/claim'] input[name=quantity]", "2")
    await leader.click(f"form[action='/needs/{need_id}/claim'] button[type=submit]")
    await expect(leader.locator(".refused")).to_have_count(0)

    await expect(bell).to_have_attribute("data-count", "1", timeout=15_000)
    await leader.goto("/inbox")  # the claim is decided by now: its claimer is not told of it
    await expect(leader.locator("#messages [data-kind=claim]")).to_have_count(0)
    await bell.click()
    message = secretary.locator("#messages [data-kind=claim]")
    await expect(message).to_contain_text("2 人次")
    await secretary.click("#read-all button")
    await expect(secretary.locator("#messages .unread")).to_have_count(0)
    await expect(bell).to_have_attribute("data-count", "0")
    await message.locator("a").click()
    await expect(secretary).to_have_url(f"{stack.url('gateway')}/needs/{need_id}")


async def test_a_venues_administrator_asks_for_mail_and_a_booking_mail_opens_the_approvals(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    api = PlatformApi(stack, http)
    centre = await api.register_organization("东街党群服务中心", COMMUNITY)
    choir = await api.register_organization("东街合唱团党小组", COMMUNITY)
    venue_id = await api.share_resource(centre, "venue", COMMUNITY, needs_approval=True, name="东街多功能厅")
    await portal_accounts(
        Account(username="dongjie-zhongxin", name="东主任", role=Role.ORG_ADMIN, organization_id=centre),
        Account(username="dongjie-hechang", name="东团长", role=Role.ORG_ADMIN, organization_id=choir),
    )
    address = f"centre-{uuid.uuid4().hex[:12]}@example.cn"  # the catcher keeps every run's mails
    director = await on_phone(new_page, "dongjie-zhongxin")
    await director.goto("/inbox")
    await director.click("#inbox-settings-link")
    await director.fill("#inbox-settings input[name=email]", address)
    await expect(director.locator("#inbox-settings input[name='on:booking/email']")).to_be_checked()
    await fits(director)
    await director.click("#inbox-settings button[type=submit]")
    await expect(director.locator("[role=status]")).to_have_text("已保存")
    await expect(director.locator("#inbox-settings input[name=email]")).to_have_value(address)
    await expect(director.locator("#email-state")).to_have_attribute("data-confirmed", "false")

    async def mailed(about: str) -> dict[str, object]:
        [mail] = [m for m in await mails_to(http, address) if about in str(m["Subject"])]
        return mail

    asked = await eventually(lambda: mailed("确认"), within=20)  # the address is confirmed from the link sent to it
    [confirm] = re.findall(r"http://\S+/inbox/confirm\?t=[\w.\-]+", str(asked["Text"]))
    await director.goto(confirm)
    await director.click("#confirm-form button[type=submit]")
    await expect(director.locator("#confirmed")).to_contain_text(address)
    await director.goto("/inbox/settings")
    await expect(director.locator("#email-state")).to_have_attribute("data-confirmed", "true")

    singer = await on_phone(new_page, "dongjie-hechang")
    day = date.today() + timedelta(days=3)
    await singer.goto(f"/resources/{venue_id}")
    await singer.fill("#starts_at", f"{day.isoformat()}T10:00")
    await singer.click("#book button[type=submit]")
    await expect(singer.locator(".refused")).to_have_count(0)

    mail = await eventually(lambda: mailed("预约等待审批"), within=30)
    [link] = re.findall(r"http://\S+/org#approvals", str(mail["Text"]))
    await director.goto(link)
    await expect(director.locator("#approvals [data-booking]")).to_contain_text(f"{day.isoformat()} 10:00")

    [unsubscribe] = re.findall(r"http://\S+/unsubscribe\?t=\S+", str(mail["Text"]))
    await director.goto(unsubscribe)
    await director.click("#unsubscribe-form button[type=submit]")
    await expect(director.locator("#unsubscribed")).to_contain_text("场地预约")
    await director.goto("/inbox/settings")
    await expect(director.locator("#inbox-settings input[name='on:booking/email']")).not_to_be_checked()

    await director.goto("/lang/en?next=/inbox/settings")  # the same page in English, on the phone
    await expect(director.locator("h1")).to_have_text("How to tell me")
    await expect(director.locator("#email-state")).to_have_text("confirmed")
    await fits(director)
    await director.goto(unsubscribe)
    await expect(director.locator("#unsubscribe-form")).to_contain_text("Stop mails of this kind?")
    await fits(director)


def test_the_settings_page_offers_every_kind_the_notifications_table_has() -> None:
    assert inbox.KINDS == notifications_table.KINDS
