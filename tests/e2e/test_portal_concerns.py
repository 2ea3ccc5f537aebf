"""The red mailbox (红色信箱) walked in a real browser on phones, through the portal only: a
resident puts in a concern with a photo; her community's administrator answers it; she rates
the answer, and the community's figures count it answered in time. In English, a concern left
unanswered past its three working days (the service's test clock moved on, not a real wait) goes
up to the street, whose administrator finds it marked as theirs and answers it; the resident sees
each step. A concern the community takes up as a need, in one step, leads its resident to the need."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx
import pytest
from playwright.async_api import expect

from devkit.browser import NewPage, fits, on_phone
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
COMMUNITY = "350124988001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:6]}"


async def test_a_resident_puts_in_a_concern_the_community_answers_and_she_rates_it(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    await PlatformApi(stack, http).ensure_area(COMMUNITY)
    resident_name, admin_name = unique("beijie-ayi"), unique("beijie-shequ")
    await portal_accounts(
        Account(username=resident_name, name="北阿姨", role=Role.RESIDENT, area_code=COMMUNITY),
        Account(username=admin_name, name="北社区", role=Role.AREA_ADMIN, area_code=COMMUNITY),
    )
    resident = await on_phone(new_page, resident_name)
    await resident.goto("/me")
    await resident.click("#to-concerns")
    form = resident.locator("#new-concern")
    await form.locator("select[name=kind]").select_option("complaint")
    await form.locator("input[name=title]").fill("楼道灯坏了三天")
    await form.locator("textarea[name=text]").fill("三号楼二单元，晚上看不见台阶")
    await form.locator("input[name=phone]").fill("13912345678")
    await form.locator("input[name=photo]").set_input_files(
        {"name": "light.png", "mimeType": "image/png", "buffer": PNG}
    )
    await form.locator("button[type=submit]").click()
    concern = resident.locator("#concerns [data-concern]", has_text="楼道灯坏了三天")
    await expect(concern.locator("[data-status]")).to_have_attribute("data-status", "waiting")
    await expect(concern.locator("[data-level]")).to_have_text("社区办理")
    await expect(concern.locator("img.proof")).to_have_count(1)
    await fits(resident)
    concern_id = await concern.get_attribute("data-concern")

    community = await on_phone(new_page, admin_name)
    await community.goto("/admin")
    await community.click("#to-concerns")
    waiting = community.locator(f"#concerns-waiting #concern-{concern_id}")
    await expect(waiting.locator("[data-phone]")).to_have_text("13912345678")  # those who handle it see it
    await expect(waiting.locator("img.proof")).to_have_count(1)
    await waiting.locator("textarea[name=text]").fill("已联系物业，今晚换好灯泡。")
    await waiting.locator("button[data-move=reply]").click()
    await expect(community.locator(f"#concerns-answered #concern-{concern_id}")).to_contain_text("今晚换好灯泡")
    await fits(community)

    await resident.goto("/concerns")
    await expect(concern.locator("[data-status]")).to_have_attribute("data-status", "replied")
    await expect(concern.locator("[data-step=replied]")).to_contain_text("今晚换好灯泡")
    await concern.locator("select[name=stars]").select_option("5")
    await concern.locator("input[name=comment]").fill("修得很快，谢谢")
    await concern.locator("button[data-move=rate]").click()
    await expect(concern.locator("[data-status]")).to_have_attribute("data-status", "rated")
    await expect(concern.locator("[data-step=rated]")).to_contain_text("★★★★★")

    await community.goto("/admin/concerns")
    row = community.locator(f"#concern-figures tr[data-community='{COMMUNITY}']")
    await expect(row.locator("[data-in-time]")).to_have_text("1")
    await expect(row).to_contain_text("100%")


async def test_an_unanswered_concern_goes_up_to_the_street_which_answers_it(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    street = COMMUNITY[:9]
    await PlatformApi(stack, http).ensure_area(COMMUNITY)
    resident_name, street_name = unique("beijie-shushu"), unique("beijie-jiedao")
    await portal_accounts(
        Account(username=resident_name, name="北叔叔", role=Role.RESIDENT, area_code=COMMUNITY),
        Account(username=street_name, name="北街道", role=Role.AREA_ADMIN, area_code=street),
    )
    resident = await on_phone(new_page, resident_name)
    await resident.goto("/lang/en?next=/concerns")
    form = resident.locator("#new-concern")
    await form.locator("input[name=title]").fill("Broken bench in the park")
    await form.locator("textarea[name=text]").fill("The bench by the pond lost a plank.")
    await form.locator("button[type=submit]").click()
    concern = resident.locator("#concerns [data-concern]", has_text="Broken bench")
    await expect(concern.locator("[data-level]")).to_have_text("with the community")
    concern_id = await concern.get_attribute("data-concern")

    # three working days and more pass with no answer from the community
    moved = await http.post(stack.url("cobuilding") + "/clock", json={"hours": 24 * 6}, headers=acting(PLATFORM))
    assert moved.status_code == 200, moved.text

    officer = await on_phone(new_page, street_name)
    await officer.goto("/lang/en?next=/admin/concerns")
    mine = officer.locator(f"#concerns-waiting #concern-{concern_id}")
    await expect(mine).to_have_class("card unread")  # now the street's own
    await expect(mine.locator("[data-level]")).to_have_text("with the street")
    await mine.locator("textarea[name=text]").fill("The street's gardeners fix it tomorrow.")
    await mine.locator("button[data-move=reply]").click()
    await expect(officer.locator(f"#concerns-answered #concern-{concern_id}")).to_be_visible()
    await fits(officer)

    await resident.goto("/concerns")
    await expect(concern.locator("[data-step]")).to_have_count(3)
    await expect(concern.locator("[data-step=escalated]")).to_contain_text("Not answered in time, sent up")
    await expect(concern.locator("[data-step=escalated]")).to_contain_text("with the street")
    await expect(concern.locator("[data-step=replied]")).to_contain_text("gardeners fix it tomorrow")
    await expect(concern.locator("[data-status]")).to_have_text("answered, to rate")
    await fits(resident)


async def test_a_concern_is_taken_up_as_a_need_in_one_step(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    api = PlatformApi(stack, http)
    committee = await api.register_organization("北街社区党委", COMMUNITY)
    resident_name, admin_name = unique("beijie-nainai"), unique("beijie-shuji")
    await portal_accounts(
        Account(username=resident_name, name="北奶奶", role=Role.RESIDENT, area_code=COMMUNITY),
        Account(username=admin_name, name="北书记", role=Role.AREA_ADMIN, area_code=COMMUNITY),
    )
    resident = await on_phone(new_page, resident_name)
    await resident.goto("/concerns")
    await resident.fill("#new-concern input[name=title]", "小区缺少无障碍坡道")
    await resident.fill("#new-concern textarea[name=text]", "坐轮椅进不了单元门")
    await resident.click("#new-concern button[type=submit]")
    concern = resident.locator("#concerns [data-concern]", has_text="无障碍坡道")
    concern_id = await concern.get_attribute("data-concern")

    community = await on_phone(new_page, admin_name)
    await community.goto("/admin/concerns")
    taking = community.locator(f"#concern-{concern_id} [data-into-need]")
    await taking.locator("summary").click()
    await taking.locator("select[name=organization_id]").select_option(committee)
    await taking.locator("input[name=quantity]").fill("3")
    await taking.locator("input[name=deadline]").fill(f"{(date.today() + timedelta(days=20)).isoformat()}T17:00")
    await taking.locator("button[data-move=into-need]").click()
    await expect(community.locator(f"#concern-{concern_id} [data-step=became]")).to_be_visible()

    await resident.goto("/concerns")
    await concern.locator("[data-step=became] a").click()
    await expect(resident.locator("h1")).to_contain_text("小区缺少无障碍坡道")
