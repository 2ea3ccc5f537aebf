"""QR check-in in a real browser, on phones: an organisation's administrator posts an activity
and opens its check-in page, which shows a QR code of this minute's code; a member who is not
signed in opens the URL the QR code carries (as a phone's camera would), is sent to sign in and
back, and is checked in; then out with the check-out QR code; the same code again is refused
saying why; the member's page shows the points the attendance earned; the organiser corrects
the attendance with a reason, and the member's page shows the difference earned."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from playwright.async_api import Page, expect

from devkit.browser import PHONE, NewPage, fits, sign_in, snap
from devkit.testing import PORTAL_PASSWORD, PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
CST = timezone(timedelta(hours=8))
COMMUNITY = "350124990001"


def local(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%dT%H:%M")


async def qr_url(organiser: Page, activity_id: str, direction: str) -> str:
    """The URL the organiser's QR code carries (the image says it in its `alt` and data)."""
    await organiser.goto(f"/org/checkin/activity/{activity_id}?direction={direction}")
    qr = organiser.locator("img#qr")
    await expect(qr).to_be_visible()
    src, url = await qr.get_attribute("src"), await qr.get_attribute("data-checkin-url")
    assert src and src.startswith("data:image/svg+xml") and url and "/checkin?c=" in url
    assert await qr.get_attribute("alt") == url
    return url


async def test_a_member_scans_the_organisers_qr_code_to_check_in_and_out_and_earns_points(
    stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, new_page: NewPage, screenshots: Path
) -> None:
    api = PlatformApi(stack, http)
    host = await api.register_organization("北街社区党委", COMMUNITY, kind="party_committee")
    volunteers = await api.register_organization("北街志愿服务队党支部", COMMUNITY)
    await portal_accounts(
        Account(username="bei-shuji", name="北书记", role=Role.ORG_ADMIN, organization_id=host),
        Account(
            username="bei-dangyuan",
            name="北党员",
            role=Role.MEMBER,
            organization_id=volunteers,
            member_id=uuid4().hex,
        ),
    )
    rules = await api.get("points", "/rules")
    organiser, member = await new_page(PHONE), await new_page(PHONE)

    await sign_in(organiser, "bei-shuji")
    starts = datetime.now(UTC) + timedelta(minutes=10)
    await organiser.goto("/org/activities/new")
    await organiser.fill("input[name=title]", "楼道清洁志愿服务")
    await organiser.select_option("select[name=category]", "cleaning")
    await organiser.fill("input[name=places]", "10")
    await organiser.fill("input[name=starts_at]", local(starts))
    await organiser.fill("input[name=ends_at]", local(starts + timedelta(hours=2)))
    await organiser.click("form[action='/org/activities'] button[type=submit]")
    await expect(organiser.locator("#checkin-qr-link")).to_be_visible()
    activity_id = organiser.url.split("?")[0].rsplit("/", 1)[-1]

    for _ in range(50):  # once the points service has heard of the activity
        await organiser.goto(f"/org/checkin/activity/{activity_id}")
        if await organiser.locator("img#qr").count():
            break
        await organiser.wait_for_timeout(300)
    check_in = await qr_url(organiser, activity_id, "in")
    await fits(organiser)
    await snap(organiser, screenshots, "checkin-qr")

    await member.goto(check_in)  # not signed in: to the sign-in page first, then back
    await member.fill("input[name=username]", "bei-dangyuan")
    await member.fill("input[name=password]", PORTAL_PASSWORD)
    await member.click("form[action='/login'] button[type=submit]")
    result = member.locator("#checkin-result")
    await expect(result).to_have_attribute("data-direction", "in")
    await expect(result).to_contain_text("楼道清洁志愿服务")
    await fits(member)

    await member.goto(check_in)  # the same code again
    await expect(result).to_have_attribute("data-refused", "replayed")

    check_out = await qr_url(organiser, activity_id, "out")
    await member.goto(check_out)
    await expect(result).to_have_attribute("data-direction", "out")
    await snap(member, screenshots, "checked-out")

    mine = member.locator("#my-points")
    for _ in range(50):  # once the points service has heard its own check-out
        await member.goto("/org")
        if await mine.count() and await mine.get_attribute("data-points") not in (None, "0"):
            break
        await member.wait_for_timeout(300)
    await expect(mine).to_have_attribute("data-points", str(rules["points_per_attendance"]))
    await expect(mine).to_contain_text("活动签到签退")

    await organiser.goto(f"/org/attendance/activity/{activity_id}")
    card = organiser.locator("#attendance [data-person]")
    await expect(card).to_have_count(1)
    await fits(organiser)
    await card.locator("summary").click()  # the member forgot to check out: the organiser corrects it
    await card.locator("input[name=checked_in_at]").fill(local(starts))
    await card.locator("input[name=checked_out_at]").fill(local(starts + timedelta(minutes=90)))
    await card.locator("input[name=reason]").fill("按签到表补录签退时间")
    await card.locator("button[type=submit]").click()
    await expect(organiser.locator(".refused")).to_have_count(0)
    await expect(card.locator(".correction")).to_contain_text("按签到表补录签退时间")

    whole = rules["points_per_attendance"] + rules["points_per_attended_hour"] * 90 // 60
    for _ in range(50):  # the correction earns the difference
        await member.goto("/org")
        if await mine.get_attribute("data-points") == str(whole):
            break
        await member.wait_for_timeout(300)
    await expect(mine).to_have_attribute("data-points", str(whole))
    await expect(mine).to_have_attribute("data-minutes", "90")
