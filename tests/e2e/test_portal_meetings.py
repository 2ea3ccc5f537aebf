"""The neighbour partners' joint meeting (联席会议) walked in a real browser on a phone, through the
portal only: a community's administrator drafts the next meeting; the agenda names what is stuck
(a need past half its time, with the partner matching proposed for it; a wish waiting over a week:
the co-building service's test clock moved on eight days, not a real wait); the administrator
records who came and who took the need on, and makes the wish's item a need in one step, posted
for the volunteers who took it; the need is on the platform, and the item says what it became."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from playwright.async_api import expect

from devkit.browser import NewPage, fits, on_phone
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting
from gateway.portal.accounts import Account, Role
from runtime.actors import Actor, ActorKind

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
COMMUNITY = "350124985001"


async def test_a_drafted_agenda_item_becomes_a_need_in_one_step(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    api = PlatformApi(stack, http)
    poster = await api.register_organization("南苑社区党委", COMMUNITY)
    volunteers = await api.register_organization("南苑志愿服务队党支部", COMMUNITY)
    deadline = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    need_id = await api.post_need(
        poster, "elderly_care", COMMUNITY, quantity=4, title="为独居老人送餐", deadline=deadline
    )
    await api.share_resource(volunteers, "elderly_care", COMMUNITY, kind="service", name="助老送餐服务")
    await api.proposals_for(need_id)  # matching proposed the volunteers' service for it
    resident = Actor(kind=ActorKind.RESIDENT, resident_id=uuid.uuid4().hex, area_code=COMMUNITY)
    await api.post("needs", "/wishes", {"resident_name": "南奶奶", "title": "想学用智能手机"}, actor=resident)
    moved = await http.post(stack.url("cobuilding") + "/clock", json={"hours": 24 * 8}, headers=acting(PLATFORM))
    assert moved.status_code == 200, moved.text  # eight days on: past half the need's time, the wish a week old
    officer = f"nanyuan-{uuid.uuid4().hex[:6]}"
    await portal_accounts(Account(username=officer, name="南苑社区", role=Role.AREA_ADMIN, area_code=COMMUNITY))

    page = await on_phone(new_page, officer)
    await page.goto("/admin")
    await page.click("#to-meetings")
    await page.fill("#draft-meeting input[name=held_on]", (date.today() + timedelta(days=3)).isoformat())
    await page.click("#draft-meeting button[type=submit]")
    stuck_need = page.locator("#agenda [data-kind=need_half_time]", has_text="为独居老人送餐")
    await expect(stuck_need.locator(f"[data-candidate='{volunteers}']")).to_have_text("南苑志愿服务队党支部")
    wish = page.locator("#agenda [data-kind=wish_waiting]", has_text="想学用智能手机")
    await expect(wish).to_have_count(1)
    await fits(page)

    need_item = await stuck_need.get_attribute("data-item")
    await stuck_need.locator(f"input[name='decision:{need_item}']").fill("志愿队认领两人次")
    await stuck_need.locator(f"select[name='taken_by:{need_item}']").select_option(volunteers)
    for present in (poster, volunteers):
        await page.check(f"#record-meeting input[name=attended][value='{present}']")
    await page.fill("#record-meeting textarea[name=minutes]", "各单位通报卡点事项")
    await page.click("#record-meeting button[type=submit]")
    await expect(page.locator(".trail [data-status]")).to_have_attribute("data-status", "held")

    wish_item = await wish.get_attribute("data-item")
    making = page.locator(f"[data-into-need='{wish_item}']")
    await making.locator("summary").click()
    await making.locator("select[name=organization_id]").select_option(volunteers)
    await making.locator("input[name=title]").fill("教老人使用智能手机")
    await making.locator("input[name=quantity]").fill("2")
    await making.locator("input[name=deadline]").fill(f"{(date.today() + timedelta(days=14)).isoformat()}T18:00")
    await making.locator("button[data-move=into-need]").click()
    made = page.locator(f"#item-{wish_item} [data-became=need]")
    await expect(made).to_be_visible()
    await page.locator(f"#item-{wish_item} a", has_text="查看需求").click()
    await expect(page.locator("h1")).to_contain_text("教老人使用智能手机")
    await fits(page)
