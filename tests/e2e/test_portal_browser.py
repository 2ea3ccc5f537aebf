"""The city portal in a real browser (Debian's Chromium, driven by Playwright), against the
whole stack: a resident books a venue, an organisation gets a proposal live and accepts it,
an administrator drills from the city down to a community. Each saves screenshots of the pages
it passes through (artifacts/screenshots)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from devkit.browser import NewPage, sign_in, snap
from devkit.testing import PlatformApi, TestStack, eventually, next_weekday, organization, point_of
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]


@pytest.fixture
async def page(new_page: NewPage) -> Page:
    return await new_page()


class TestAResident:
    async def test_books_a_free_half_hour_on_a_venues_calendar_and_sees_it_confirmed(
        self, stack: TestStack, http: httpx.AsyncClient, page: Page, portal_accounts: Accounts, screenshots: Path
    ) -> None:
        api = PlatformApi(stack, http)
        community = "350105002001"
        centre = await api.register_organization("福新社区党群服务中心", community, kind="party_committee")
        venue_id = await api.share_resource(centre, "venue", community, capacity=30, name="福新社区多功能厅")
        await portal_accounts(Account(username="wang-ayi", name="王阿姨", role=Role.RESIDENT, area_code=community))

        await sign_in(page, "wang-ayi")
        assert page.url.endswith("/me")
        await page.goto(f"/venues?area_code={community}")
        await page.click(f"[data-resource='{venue_id}'] a")
        wednesday = next_weekday(1) + timedelta(days=2)
        await page.goto(f"/resources/{venue_id}?week={wednesday.isoformat()}")
        slot = page.locator(f"td.free[data-start='{wednesday.isoformat()}T10:00+08:00']")
        await slot.click()
        await expect(page.locator("#starts_at")).to_have_value(f"{wednesday.isoformat()}T10:00")
        await page.fill("#book input[name=purpose]", "老年合唱排练")
        await snap(page, screenshots, "venue-calendar")
        await page.click("#book button[type=submit]")

        status = page.locator("#booking-status")
        await expect(status).to_have_attribute("data-status", "confirmed")
        await expect(status).to_have_text("预约成功")
        await snap(page, screenshots, "booking-confirmed")
        booking_id = page.url.rsplit("/", 1)[-1]
        stored = await api.get("resources", f"/bookings/{booking_id}", actor=organization(centre))
        assert (stored["venue_id"], stored["status"]) == (venue_id, "confirmed")
        assert datetime.fromisoformat(stored["starts_at"]) == datetime.fromisoformat(f"{wednesday}T10:00+08:00")

        await page.goto(f"/resources/{venue_id}?week={wednesday.isoformat()}")
        await expect(page.locator(f"td[data-start='{wednesday.isoformat()}T10:00+08:00']")).to_have_count(0)
        await page.goto("/me")
        await expect(page.locator(f"[data-booking='{booking_id}']")).to_contain_text("老年合唱排练")

    async def test_signs_up_for_an_activity_an_organisation_posted_and_the_organiser_sees_her(
        self, stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts, screenshots: Path
    ) -> None:
        api = PlatformApi(stack, http)
        community = "350105002002"
        clinic = await api.register_organization("社区卫生服务站党支部", community, kind="hospital")
        await portal_accounts(
            Account(username="li-yisheng", name="李医生", role=Role.ORG_ADMIN, organization_id=clinic),
            Account(username="chen-nainai", name="陈奶奶", role=Role.RESIDENT, area_code=community),
        )
        starts = f"{next_weekday(1) + timedelta(days=1)}T09:00"
        organiser, resident = await new_page(), await new_page()

        await sign_in(organiser, "li-yisheng")
        await organiser.click("a[href='/org/activities/new']")
        await organiser.fill("input[name=title]", "社区义诊")
        await organiser.select_option("select[name=category]", "medical")
        await organiser.fill("input[name=place]", "3号楼架空层")
        await organiser.fill("input[name=places]", "20")
        await organiser.fill("input[name=starts_at]", starts)
        await organiser.fill("input[name=ends_at]", starts.replace("T09", "T11"))
        await organiser.click("form[action='/org/activities'] button[type=submit]")
        await expect(organiser.locator("#places-left")).to_have_text("20/20")
        activity_id = organiser.url.split("?")[0].rsplit("/", 1)[-1]

        await sign_in(resident, "chen-nainai")
        await resident.goto(f"/activities?area_code={community}")
        await resident.click(f"[data-activity='{activity_id}'] a")
        await resident.fill("#sign-up input[name=people]", "2")
        await resident.click("#sign-up button[type=submit]")
        await expect(resident.locator("#signed-up")).to_have_text("报名成功")
        await expect(resident.locator("#places-left")).to_have_text("18/20")
        await snap(resident, screenshots, "activity-signed-up")
        await resident.goto("/me")
        await expect(resident.locator(f"[data-activity='{activity_id}']")).to_contain_text("社区义诊")

        await organiser.reload()
        await expect(organiser.locator("section", has_text="报名名单")).to_contain_text("陈奶奶")


class TestAnOrganisation:
    async def test_posts_a_need_sees_a_proposal_arrive_live_accepts_it_and_the_need_is_claimed(
        self, stack: TestStack, http: httpx.AsyncClient, page: Page, portal_accounts: Accounts, screenshots: Path
    ) -> None:
        api = PlatformApi(stack, http)
        here, there = "350112003001", "350112003002"
        point = dict(zip(("lat", "lon"), point_of(here), strict=True))
        poster = await api.register_organization("某社区党支部", here, **point)
        lawyers = await api.register_organization("某律师事务所党支部", there, kind="social_organization")
        await portal_accounts(
            Account(username="zhang-shuji", name="张书记", role=Role.ORG_ADMIN, organization_id=poster)
        )

        await sign_in(page, "zhang-shuji")
        assert page.url.endswith("/org")
        await page.click("a[href='/org/needs/new']")
        await page.fill("input[name=title]", "居民法律咨询进社区")
        await page.select_option("select[name=category]", "legal_aid")
        await page.fill("input[name=quantity]", "1")
        await page.click("form[action='/org/needs'] button[type=submit]")
        await expect(page.locator("#need-status")).to_have_attribute("data-status", "open")
        need_id = page.url.split("?")[0].rsplit("/", 1)[-1]

        await page.goto("/org")
        await expect(page.locator("#live")).to_be_visible()  # the stream is open
        resource_id = await api.share_resource(lawyers, "legal_aid", there, capacity=10, kind="service")
        row = page.locator("[data-proposal]", has_text="居民法律咨询进社区")
        await expect(row).to_be_visible(timeout=20_000)  # arrived without reloading the page
        await expect(page.locator("#new-proposal")).to_be_visible()
        await expect(row.locator(f"a[href='/resources/{resource_id}']")).to_be_visible()
        await snap(page, screenshots, "organisation-dashboard")
        proposal_id = await row.get_attribute("data-proposal")
        await row.locator("button[name=accept]").click()
        await expect(page.locator(f"[data-proposal='{proposal_id}']")).to_contain_text("我方已接受")

        await api.post("matching", f"/proposals/{proposal_id}/accept", {}, 200, actor=organization(lawyers))

        async def claimed() -> dict[str, Any]:
            need: dict[str, Any] = await api.get("needs", f"/needs/{need_id}")
            assert need["status"] == "fully_claimed", need["status"]
            return need

        need = await eventually(claimed, within=30)
        assert [c["organization_id"] for c in need["claims"]] == [lawyers]
        await page.goto(f"/needs/{need_id}")
        await expect(page.locator("#need-status")).to_have_text("已认领")
        await page.goto("/org")
        await expect(page.locator(f"[data-need='{need_id}'] .tag")).to_have_attribute("data-status", "fully_claimed")


class TestAnAdministrator:
    async def test_drills_from_the_city_into_one_community(
        self, stack: TestStack, http: httpx.AsyncClient, page: Page, portal_accounts: Accounts, screenshots: Path
    ) -> None:
        api = PlatformApi(stack, http)
        community = "350181007002"
        await api.register_organization("某村党支部", community)
        await portal_accounts(
            Account(username="city-admin", name="市级管理员", role=Role.AREA_ADMIN, area_code="350100")
        )

        await sign_in(page, "city-admin")
        assert page.url.endswith("/admin")
        await expect(page.locator(".figures")).to_have_attribute("data-area", "350100")
        await snap(page, screenshots, "admin-city")
        for code in (community[:6], community[:9], community):
            await page.click(f"#compare [data-area='{code}'] a")  # the areas below, compared
            await expect(page.locator(".figures")).to_have_attribute("data-area", code)
        await expect(page.locator("[data-figure='organizations'] b")).to_have_text("1")
        await expect(page.locator(".trail a")).to_have_count(3)  # city › district › street › this
        await snap(page, screenshots, "admin-community")
        await page.click("a[href='/admin/audit']")  # the registry's log: who registered what, from where
        await expect(page.locator("#audit tbody")).to_contain_text("POST /organizations")
        await snap(page, screenshots, "admin-audit")
