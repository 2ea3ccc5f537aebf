"""A co-building agreement (结对共建) walked in a real browser on phones, through the portal only:
the union's Party branch proposes one to the rescue team's, committing its meeting room every
month on the 7th, 19:00–21:00, and the team four first-aid trainings a year; the team signs;
every monthly occurrence is booked on the union's venue for the team, one already held by
another organisation excepted; the team records a training given; the community follows both
sides' commitments, and keeps its neighbour partner list. In English the same page reads in English."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import httpx
import pytest
from playwright.async_api import Page, expect

from contract.events import RESOURCES_TOPIC
from devkit.browser import NewPage, fits, on_phone
from devkit.testing import PlatformApi, TestStack, eventually, read_topic, wait_consumed
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
COMMUNITY = "350124986001"


async def test_two_branches_sign_a_co_building_agreement_and_follow_its_commitments(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage
) -> None:
    api = PlatformApi(stack, http)
    union = await api.register_organization("市总工会机关党支部", COMMUNITY)
    rescue = await api.register_organization("蓝天救援队党支部", COMMUNITY)
    hall = await api.share_resource(union, "party_education", COMMUNITY, name="职工之家会议室")
    secretary, captain, officer = (f"{n}-{uuid.uuid4().hex[:6]}" for n in ("gonghui", "jiuyuan", "shequ"))
    await portal_accounts(
        Account(username=secretary, name="工会书记", role=Role.ORG_ADMIN, organization_id=union),
        Account(username=captain, name="救援队书记", role=Role.ORG_ADMIN, organization_id=rescue),
        Account(username=officer, name="社区书记", role=Role.AREA_ADMIN, area_code=COMMUNITY),
    )
    # the co-building service hears of the venue from the resources service before it is committed
    records = await read_topic(
        stack.kafka, stack.topic(RESOURCES_TOPIC), until=lambda rs: any(hall.encode() in r.value for r in rs)
    )
    shared = [r for r in records if hall.encode() in r.value]
    await wait_consumed(stack.kafka, stack.group("cobuilding"), shared)  # type: ignore[arg-type]  # a record has its place too
    today = date.today()
    ends_on = today + timedelta(days=150)

    proposer = await on_phone(new_page, secretary)
    await proposer.goto("/org")
    await proposer.click("#to-agreements")
    form = proposer.locator("#propose-agreement")
    room = form.locator("#commitment-1")
    await form.locator("input[name=title]").fill("工会与救援队结对共建")
    await form.locator("select[name=partner]").select_option(rescue)
    await form.locator("input[name=starts_on]").fill(today.isoformat())
    await form.locator("input[name=ends_on]").fill(ends_on.isoformat())
    await room.locator("input[name=c1_what]").fill("每月7日19:00-21:00提供会议室开展党小组活动")
    await room.locator("input[name=c1_day]").fill("7")
    await room.locator("input[name=c1_starts]").fill("19:00")
    await room.locator("input[name=c1_ends]").fill("21:00")

    await room.locator("select[name=c1_venue_id]").select_option(hall)
    trainings = form.locator("#commitment-2")
    await trainings.locator("select[name=c2_by]").select_option("partner")
    await trainings.locator("input[name=c2_what]").fill("每年4次应急救护培训")
    await trainings.locator("select[name=c2_repeat]").select_option("times_a_year")
    await trainings.locator("input[name=c2_times_a_year]").fill("4")
    await form.locator("button[type=submit]").click()
    await expect(proposer.locator(".refused")).to_have_count(0)
    agreement = proposer.locator("#agreements [data-agreement]", has_text="工会与救援队结对共建")
    await expect(agreement.locator("[data-status]")).to_have_attribute("data-status", "proposed")
    await fits(proposer)
    agreement_id = await agreement.get_attribute("data-agreement")

    team = await on_phone(new_page, captain)
    await team.goto("/org/agreements")
    theirs = team.locator(f"#agreement-{agreement_id}")
    await expect(theirs).to_have_class("card unread")  # waiting for the team's signature
    await theirs.locator("button[data-move=sign]").click()
    await expect(theirs.locator("[data-status]")).to_have_attribute("data-status", "signed")

    monthly = theirs.locator("[data-commitment]").first
    expected = await monthly.locator(".occurrences [data-state]").count()
    assert expected >= 4

    async def booked(page: Page) -> None:
        await page.reload()
        await expect(monthly.locator(".occurrences .tag", has_text="已确认")).to_have_count(expected, timeout=1000)

    await eventually(lambda: booked(team), within=30)
    kept = theirs.locator("form.kept")
    await kept.locator("input[name=on]").fill(today.isoformat())
    await kept.locator("input[name=note]").fill("20人参加")
    await kept.locator("button[data-move=kept]").click()
    trained = theirs.locator("[data-commitment]").nth(1)
    await expect(trained.locator("[data-tally=done]")).to_contain_text("1")
    await fits(team)

    community = await on_phone(new_page, officer)
    await community.goto("/lang/en?next=/admin")
    await community.click("#to-agreements")
    followed = community.locator(f"#agreement-{agreement_id}")
    await expect(followed.locator("[data-status]")).to_have_text("in force")
    await expect(followed.locator("[data-commitment]").nth(1).locator("[data-tally=done]")).to_contain_text("done 1")
    await fits(community)

    # the community keeps its neighbour partners: the rescue team is one of them
    await community.check(f"#neighbour-partners input[value='{rescue}']")
    await community.click("#neighbour-partners button[type=submit]")
    await expect(community.locator(f"#neighbour-partners input[value='{rescue}']")).to_be_checked()
    await expect(community.locator(f"#neighbour-partners input[value='{union}']")).not_to_be_checked()
