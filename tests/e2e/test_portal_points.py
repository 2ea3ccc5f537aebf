"""A member who served opens, on a phone, their points and hours with the cause of each, gives a
partner leave to read their balance and takes it back, opens their volunteer record, prints its
certificate, and anyone who follows the certificate's verification link (its QR) sees what it
certifies; a code changed on the way is refused. The earning is the points service's own: a
need posted and a claim on it completed, as the needs service announces them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import segno
from playwright.async_api import Page, expect

from contract.events import NEEDS_TOPIC
from contract.events.needs import ClaimCompleted, ClaimData, NeedPosted, NeedPostedData
from contract.taxonomy import Category
from devkit.browser import PHONE, NewPage, fits, sign_in, snap
from devkit.testing import PLATFORM, PlatformApi, TestStack, eventually, send_raw, wait_consumed
from gateway.portal.accounts import Account, Role
from runtime.kafka import encode

pytestmark = pytest.mark.stack

COMMUNITY = f"350125{uuid4().int % 900 + 100:03d}001"


async def served(stack: TestStack, helper: str, member: str, title: str, times: int = 1) -> None:
    """The needs service's news: a need of 1 h 30 min posted in the community, and the member's
    claims on it (`times`), through `helper`, completed."""
    need_id = uuid4().hex
    starts = datetime.now(UTC) - timedelta(hours=3)
    need = NeedPostedData(
        need_id=need_id,
        organization_id=uuid4().hex,
        title=title,
        category=Category.ELDERLY_CARE,
        area_code=COMMUNITY,
        quantity=2,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
    )
    claims = [
        ClaimData(
            claim_id=uuid4().hex,
            need_id=need_id,
            need_organization_id=need.organization_id,
            organization_id=helper,
            member_id=member,
            quantity=1,
            served=1,
        )
        for _ in range(times)
    ]
    # the need first: its claims, keyed by their own ids, may come on another partition
    for events in (
        [NeedPosted(source="needs", subject=need_id, data=need)],
        [ClaimCompleted(source="needs", subject=c.claim_id, data=c) for c in claims],
    ):
        sent = await send_raw(stack.kafka, stack.topic(NEEDS_TOPIC), [encode(e) for e in events])
        await wait_consumed(stack.kafka, stack.group("points"), sent)


async def check_fits(page: Page) -> None:
    await expect(page.locator(".refused")).to_have_count(0)
    await fits(page)


async def test_a_member_sees_their_hours_prints_their_certificate_and_anyone_verifies_it(
    stack: TestStack,
    http: httpx.AsyncClient,
    portal_accounts: Callable[..., Awaitable[list[Account]]],
    new_page: NewPage,
    screenshots: Path,
) -> None:
    api = PlatformApi(stack, http)
    helper = await api.register_organization("夕阳红志愿服务队", COMMUNITY)
    partner = await api.register_organization("积分合作银行网点", COMMUNITY)
    key = await api.issue_key(partner, ["read"])
    member, username = uuid4().hex, f"chen-{uuid4().hex[:8]}"
    await portal_accounts(
        Account(username=username, name="陈志愿", role=Role.MEMBER, organization_id=helper, member_id=member)
    )

    async def points_know_them() -> None:
        for org in (helper, partner):
            assert (await http.get(stack.url("points") + f"/known-organizations/{org}")).status_code == 200

    await eventually(points_know_them)
    await served(stack, helper, member, "陪老人散步")

    page = await new_page(PHONE)
    await sign_in(page, username)
    await page.click(".menu-toggle")  # on a phone the menu opens first
    await page.locator("#nav-my-points").click()
    balance = page.locator("#my-balance")
    await expect(balance).to_have_attribute("data-minutes", "90")
    await expect(balance.locator("[data-hours]")).to_have_text("1:30")
    assert int(await balance.get_attribute("data-points") or 0) > 0
    minutes = page.locator(".posting[data-unit=minutes]")
    await expect(minutes).to_have_count(1)
    await expect(minutes).to_contain_text("认领服务完成")
    await expect(minutes).to_contain_text("陪老人散步")
    await expect(minutes).to_contain_text("夕阳红志愿服务队")
    await expect(minutes).to_contain_text(f"community {COMMUNITY}")  # the area's name, as the registry has it
    await check_fits(page)
    await snap(page, screenshots, "my-points-phone")

    # leave for a named partner to read the balance, and taken back
    balance_url = stack.url("gateway") + f"/api/v1/people/member/{member}/balance"
    assert (await http.get(balance_url, headers=key)).status_code == 403
    await page.fill("input[name=partner]", "积分合作银行")
    await page.locator("form[action='/me/points'] button[type=submit]").click()
    await page.locator(f"#partners [data-organization='{partner}'] button[data-move=grant]").click()
    await expect(page.locator(f"#consents [data-consent='{partner}']")).to_contain_text("积分合作银行网点")
    read = await http.get(balance_url, headers=key)
    assert read.status_code == 200 and read.json()["minutes"] == 90, read.text
    await page.locator(f"#consents [data-consent='{partner}'] button[data-move=withdraw]").click()
    await expect(page.locator(f"#consents [data-consent='{partner}']")).to_have_count(0)
    assert (await http.get(balance_url, headers=key)).status_code == 403

    # the record: its hours are the postings'
    await page.locator("#to-record").click()
    record = page.locator("#record")
    await expect(record).to_have_attribute("data-minutes", "90")
    await expect(record.locator("tr[data-service]")).to_have_count(1)
    row = record.locator("tr[data-service]")
    for shown in ("陪老人散步", f"community {COMMUNITY}", "夕阳红志愿服务队", "1:30"):
        await expect(row).to_contain_text(shown)
    await expect(record).to_contain_text("陈志愿")
    await check_fits(page)
    await snap(page, screenshots, "volunteer-record-phone")
    await page.goto("/lang/en?next=/me/record")  # and in English
    await expect(page.locator("h1")).to_have_text("Volunteer service record")
    await expect(record.locator("tr[data-service]")).to_contain_text("陪老人散步")
    await check_fits(page)

    # the certificate, printed
    await page.locator("#to-certificate").click()
    certificate = page.locator("#certificate")
    await expect(certificate.locator("[data-name]")).to_have_text("陈志愿")
    await expect(certificate.locator("[data-hours]")).to_have_text("1:30")
    link = await page.locator("#verify-link").get_attribute("href")
    assert link and "/verify/" in link
    qr = await page.locator("img.qr").get_attribute("src")
    assert qr == segno.make(link, error="m").svg_data_uri(scale=3, border=2)  # the QR is of the link
    await check_fits(page)
    await page.emulate_media(media="print")
    await expect(page.locator("header.top")).to_be_hidden()
    await expect(page.locator("#print")).to_be_hidden()
    await expect(certificate).to_be_visible()
    assert (await page.pdf(format="A4")).startswith(b"%PDF")
    await snap(page, screenshots, "certificate-print")
    await page.emulate_media(media="screen")

    # anyone verifies it, not signed in; a changed code is refused
    anyone = await new_page(PHONE)
    answer = await anyone.goto(link)
    assert answer is not None and answer.status == 200
    verified = anyone.locator("#verified")
    await expect(verified).to_have_attribute("data-valid", "true")
    await expect(verified.locator("[data-name]")).to_have_text("陈志愿")
    await expect(verified.locator("[data-hours]")).to_have_text("1:30")
    await check_fits(anyone)
    await snap(anyone, screenshots, "certificate-verified-phone")
    code = link.rsplit("/", 1)[1]
    payload, _, mac = code.partition(".")
    changed = payload[:-3] + ("AAA" if payload[-3:] != "AAA" else "BBB")
    for bad in (f"{changed}.{mac}", f"{payload}.{'A' * 22}", "not-a-code"):
        refused = await anyone.goto(f"/verify/{bad}")
        assert refused is not None and refused.status == 422, bad
        await expect(anyone.locator("#verified")).to_have_attribute("data-valid", "false")
        await expect(anyone.locator("[role=alert]")).to_contain_text("此验证码无效")


async def test_a_persons_history_comes_a_page_at_a_time_every_posting_once(
    stack: TestStack,
    http: httpx.AsyncClient,
    portal_accounts: Callable[..., Awaitable[list[Account]]],
    new_page: NewPage,
) -> None:
    api = PlatformApi(stack, http)
    helper = await api.register_organization("翻页志愿服务队", COMMUNITY)
    member, username = uuid4().hex, f"fan-{uuid4().hex[:8]}"
    await portal_accounts(
        Account(username=username, name="范翻页", role=Role.MEMBER, organization_id=helper, member_id=member)
    )
    await served(stack, helper, member, "社区巡逻", times=21)  # 21 minutes postings, and points up to the cap
    page = await new_page(PHONE)
    await sign_in(page, username)
    await page.goto("/me/points")
    await expect(page.locator("#my-balance")).to_have_attribute("data-minutes", str(21 * 90))
    shown: list[str] = []
    pages = 0
    while True:
        pages += 1
        ids = await page.locator(".posting").evaluate_all("items => items.map(i => i.dataset.id)")
        assert len(ids) <= 20
        shown += ids
        if not await page.locator("#older").count():
            break
        await page.goto(await page.locator("#older").get_attribute("href") or "")
    posted = await api.get("points", f"/accounts/member:{member}/postings", actor=PLATFORM, limit=200)
    assert pages >= 2 and len(shown) == len(set(shown))  # each once
    assert shown == [p["id"] for p in posted["items"]]  # all of them, the newest first
