"""The portal as a city would ship it, tried in a real browser at a phone's and a desktop's width:
places by name and found by name, a search over what things say, a "free between" filter that
leaves out a venue closed then, an item page with its hours, rules and a map drawn from the
city's own geography, a calendar that starts today, forms that refuse blank and absurd values
next to the field in the visitor's language and make one need however often they are sent,
the portal's own error pages, API documentation that needs no internet, a menu and an
elderly-friendly look on a phone, and each audience's main pages audited for accessibility
(axe-core) with screenshots kept (artifacts/screenshots/quality-*)."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, Route, expect

from devkit.browser import DESKTOP, PHONE, NewPage, fits, sign_in, snap
from devkit.testing import PLATFORM, PlatformApi, TestStack, acting, next_weekday, point_of
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
WIDE = 1366  # a desktop's, as the city's officials see it
DISTRICT, STREET, COMMUNITY = "350129", "350129001", "350129001001"
NAMES = {DISTRICT: ("永泰县", "district"), STREET: ("樟城镇", "street"), COMMUNITY: ("城南社区", "community")}
PLACE = "永泰县·樟城镇·城南社区"
AXE = Path(__file__).parents[2] / "services" / "gateway" / "web" / "node_modules" / "axe-core" / "axe.min.js"


async def named_places(stack: TestStack, http: httpx.AsyncClient) -> None:
    """The county, town and community of these tests, with their names."""
    city = {"code": "350100", "name": "福州市", "level": "city", "parent_code": None}
    answer = await http.post(stack.url("organizations") + "/areas", json=city, headers=acting(PLATFORM))
    assert answer.status_code in (201, 409), answer.text
    for code, (name, level) in NAMES.items():
        parent = {"district": "350100", "street": DISTRICT, "community": STREET}[level]
        lat, lon = point_of(COMMUNITY)
        body = {"code": code, "name": name, "name_en": f"{level} {code}", "level": level, "parent_code": parent}
        body |= {"lat": lat, "lon": lon}
        answer = await http.post(stack.url("organizations") + "/areas", json=body, headers=acting(PLATFORM))
        assert answer.status_code in (201, 409), answer.text


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


async def audit(page: Page) -> list[str]:
    """The page's serious and critical accessibility violations, by axe-core (npm)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = await page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})).violations"
    )
    return [
        f"{page.url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


async def test_places_are_named_and_found_by_name_and_words_find_what_things_say(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts
) -> None:
    await named_places(stack, http)
    api = PlatformApi(stack, http)
    org = await api.register_organization("城南社区党委", COMMUNITY)
    need_id = await api.post_need(
        org, "elderly_care", COMMUNITY, title="周末陪伴", description="为独居银发老人读报聊天"
    )
    page = await new_page(PHONE)

    await page.goto("/needs?area_code=" + "城南社区")
    card = page.locator(f"[data-need='{need_id}']")
    await expect(card).to_contain_text(PLACE)
    await page.goto(f"/needs/{need_id}")
    await expect(page.locator("main")).to_contain_text(PLACE)

    await page.goto("/needs")
    await page.fill("form.filters input[name=q]", "银发老人")  # words of the description, not the title
    await page.click("form.filters button[type=submit]")
    await expect(page.locator(f"[data-need='{need_id}']")).to_be_visible()
    await page.goto(f"/needs?area_code={DISTRICT}&q=" + "养老")  # a category's name finds the category
    await expect(page.locator(f"[data-need='{need_id}']")).to_be_visible()

    await page.goto("/needs?area_code=" + "没有这个地方")
    refused = page.locator("[data-error-for=area_code]")
    await expect(refused).to_have_text("没有找到这个地点，请输入区、街道或社区的名称")
    await expect(page.locator("input[name=area_code]")).to_have_attribute("aria-invalid", "true")

    token = uuid.uuid4().hex[:6]  # needs of this test only, by a word of their titles
    week = next_weekday(3)
    later = await api.post_need(
        org, "repairs", COMMUNITY, title=f"修理-{token}-后", starts_at=f"{week + timedelta(days=7)}T09:00:00+08:00"
    )
    sooner = await api.post_need(
        org, "repairs", COMMUNITY, title=f"修理-{token}-先", starts_at=f"{week}T09:00:00+08:00"
    )
    await page.goto(f"/needs?q=修理-{token}&order=soonest")
    await expect(page.locator(".results [data-need]").first).to_have_attribute("data-need", sooner)
    await page.goto(f"/needs?q=修理-{token}&order=newest")
    await expect(page.locator(".results [data-need]").first).to_have_attribute("data-need", sooner)
    await expect(page.locator(".results [data-need]").nth(1)).to_have_attribute("data-need", later)
    await page.goto(f"/needs?q=修理-{token}&order=nearest")  # from where? a visitor not signed in has no place
    await expect(page.locator("[data-error-for=order]")).to_contain_text("登录后才能按距离排序")
    neighbour = f"chengnan-jumin-{token}"
    await portal_accounts(Account(username=neighbour, name="城南居民", role=Role.RESIDENT, area_code=COMMUNITY))
    resident = await new_page(PHONE)
    await sign_in(resident, neighbour)
    await resident.goto(f"/needs?q=修理-{token}&order=nearest")  # from the resident's community
    await expect(resident.locator(".results [data-need]")).to_have_count(2)

    await page.fill("#site-q", "樟城镇")
    await page.click("form.search button[type=submit]")
    await expect(page.locator("#place-found a").first).to_have_attribute("href", f"/areas/{STREET}")
    await expect(page.locator("#found-organizations")).to_contain_text("城南社区党委")
    await fits(page)


async def test_the_free_filter_leaves_out_a_venue_closed_then_and_the_venue_page_says_all_a_booker_needs(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts, screenshots: Path
) -> None:
    await named_places(stack, http)
    api = PlatformApi(stack, http)
    owner = await api.register_organization("樟城镇党群服务中心", COMMUNITY)
    daily = await api.share_resource(
        owner, "venue", COMMUNITY, name="党群服务中心会议室", facilities=["投影仪", "无障碍通道"]
    )
    weekends = await api.share_resource(
        owner, "venue", COMMUNITY, name="周末活动室", opening_hours=[{"days": [6, 7]}], bookable_by="area"
    )
    resident = f"chengnan-{uuid.uuid4().hex[:6]}"
    await portal_accounts(Account(username=resident, name="城南居民", role=Role.RESIDENT, area_code="350129002001"))
    wednesday = next_weekday(3).isoformat()
    page = await new_page(WIDE)

    await page.goto(f"/venues?area_code={COMMUNITY}")
    await expect(page.locator(f"[data-resource='{weekends}']")).to_be_visible()
    await page.fill("input[name=free_from]", f"{wednesday}T10:00")
    await page.fill("input[name=free_to]", f"{wednesday}T11:00")
    await page.click("form.filters button[type=submit]")
    await expect(page.locator(f"[data-resource='{daily}']")).to_be_visible()
    await expect(page.locator(f"[data-resource='{weekends}']")).to_have_count(0)
    await page.fill("input[name=free_to]", f"{wednesday}T09:00")  # before the start
    await page.click("form.filters button[type=submit]")
    await expect(page.locator("[data-error-for=free_to]")).to_have_text("结束时间要晚于开始时间")
    await expect(page.locator(".results [data-resource]")).to_have_count(0)

    await page.goto(f"/resources/{daily}")
    await expect(page.locator("[data-hours]")).to_have_text("每天 08:00–21:00")
    await expect(page.locator("main")).to_contain_text("投影仪、无障碍通道")
    await expect(page.locator("main")).to_contain_text(PLACE)
    await expect(page.locator("svg.map .here")).to_have_count(1)
    first_day = page.locator("table.week thead th[data-day]").first
    await expect(first_day).to_have_attribute("data-day", today().isoformat())  # the calendar starts today
    await expect(page.locator(".legend li")).to_have_count(3)
    await snap(page, screenshots, "quality-venue-desktop")

    phone = await new_page(PHONE)
    await sign_in(phone, resident)
    await phone.goto(f"/resources/{weekends}")  # only for the residents of its community: another's is told so
    await expect(phone.locator("[data-bookable-by]")).to_have_text("本辖区的居民和组织")
    await expect(phone.locator("#not-bookable")).to_be_visible()
    await expect(phone.locator("#book")).to_have_count(0)
    await phone.goto(f"/resources/{daily}")
    await phone.fill("#book input[name=purpose]", "合唱排练")
    await phone.click("#book button[type=submit]")  # no start time picked: refused, what was typed kept
    await expect(phone.locator("p.refused")).to_contain_text("请先在日历上选择")
    await expect(phone.locator("#book input[name=purpose]")).to_have_value("合唱排练")
    await fits(phone)

    asked: list[str] = []
    phone.on("dialog", lambda dialog: asked.append(dialog.message))
    await phone.fill("#starts_at", f"{wednesday}T10:00")
    await phone.click("#book button[type=submit]")
    await expect(phone.locator("#booking-status")).to_have_attribute("data-status", "confirmed")
    await phone.click("form[action$='/cancel'] button")  # asked first, then cancelled
    await expect(phone.locator("#booking-status")).to_have_attribute("data-status", "cancelled")
    await expect(phone.locator("[data-notice]")).to_have_attribute("data-notice", "done")  # in success's look
    assert asked == ["确定吗？此操作不能撤销。"]


async def test_a_need_form_refuses_blank_and_absurd_values_beside_each_field_and_makes_one_need_when_sent_twice(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts
) -> None:
    await named_places(stack, http)
    api = PlatformApi(stack, http)
    org = await api.register_organization("城南志愿服务队", COMMUNITY)
    secretary = f"chengnan-shuji-{uuid.uuid4().hex[:6]}"
    await portal_accounts(Account(username=secretary, name="城南书记", role=Role.ORG_ADMIN, organization_id=org))
    page = await new_page(PHONE)
    await sign_in(page, secretary)

    await page.goto("/org/needs/new")
    await page.fill("input[name=title]", "   ")
    await page.fill("input[name=quantity]", "0")
    await page.fill("textarea[name=description]", "每周三上午")
    await page.click("main form button[type=submit]")
    await expect(page.locator("p.refused")).to_contain_text("未能提交，请修改下面标出的内容。")
    await expect(page.locator("[data-error-for=title]")).to_have_text("请填写此项")
    await expect(page.locator("[data-error-for=quantity]")).to_have_text("不能小于 1")
    await expect(page.locator("textarea[name=description]")).to_have_value("每周三上午")  # what was typed stays

    await page.goto("/lang/en?next=/org/needs/new")
    await page.fill("input[name=title]", "")
    await page.click("main form button[type=submit]")
    await expect(page.locator("[data-error-for=title]")).to_have_text("Fill this in")
    await page.goto("/lang/zh?next=/org/needs/new")

    title = f"助老读报-{uuid.uuid4().hex[:6]}"
    await page.fill("input[name=title]", title)
    await page.select_option("select[name=category]", "elderly_care")
    form = await page.eval_on_selector("main form", "f => Object.fromEntries(new FormData(f))")
    # the same form sent three times at once (a double tap, a reload): one need, one page for all
    sent = await asyncio.gather(*(page.request.post("/org/needs", form=form, max_redirects=0) for _ in range(3)))
    assert {(a.status, a.headers["location"]) for a in sent} == {(303, sent[0].headers["location"])}
    posted = await api.get("needs", "/needs", organization_id=org, q=title)
    assert [n["id"] for n in posted["items"]] == [sent[0].headers["location"].rsplit("/", 1)[1]]

    await page.goto("/org/activities/new")  # an activity's form refuses the same way
    await page.fill("input[name=places]", "0")
    await page.fill("input[name=starts_at]", f"{next_weekday(3)}T09:00")
    await page.click("main form button[type=submit]")
    await expect(page.locator("[data-error-for=title]")).to_have_text("请填写此项")
    await expect(page.locator("[data-error-for=places]")).to_have_text("不能小于 1")
    await expect(page.locator("[data-error-for=ends_at]")).to_have_text("请填写此项")
    await expect(page.locator("input[name=starts_at]")).to_have_value(f"{next_weekday(3)}T09:00")


async def test_an_organisation_edits_pauses_and_withdraws_what_it_shares_and_no_other_may(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts
) -> None:
    await named_places(stack, http)
    api = PlatformApi(stack, http)
    owner = await api.register_organization("城南文化站", COMMUNITY)
    other = await api.register_organization("城南另一支部", COMMUNITY)
    venue_id = await api.share_resource(owner, "venue", COMMUNITY, name="文化站小剧场")
    keeper, stranger = (f"chengnan-{who}-{uuid.uuid4().hex[:6]}" for who in ("wenhua", "other"))
    await portal_accounts(
        Account(username=keeper, name="文化站站长", role=Role.ORG_ADMIN, organization_id=owner),
        Account(username=stranger, name="另一书记", role=Role.ORG_ADMIN, organization_id=other),
    )
    page = await new_page(PHONE)
    await sign_in(page, keeper)
    await page.goto(f"/resources/{venue_id}")
    await page.click("#manage summary")
    form = page.locator("#edit-resource")
    await form.locator("input[name=name]").fill("文化站多功能剧场")
    for day in ("1", "2", "3", "4", "5"):
        await form.locator(f"input[name=days][value='{day}']").uncheck()
    await form.locator("input[name=facilities]").fill("舞台、音响")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("main h1")).to_have_text("文化站多功能剧场")
    await expect(page.locator("[data-hours]")).to_have_text("周六、周日 08:00–21:00")
    await expect(page.locator("main")).to_contain_text("舞台、音响")

    await page.click("button[data-move=pause]")
    await expect(page.locator("#manage [data-status]")).to_have_attribute("data-status", "paused")
    await page.click("button[data-move=resume]")
    await expect(page.locator("#manage [data-status]")).to_have_attribute("data-status", "published")

    intruder = await new_page(PHONE)
    await sign_in(intruder, stranger)
    await intruder.goto(f"/resources/{venue_id}")
    await expect(intruder.locator("#manage")).to_have_count(0)
    form_fields = {"csrf": await intruder.locator("input[name=csrf]").first.input_value(), "name": "抢来的"}
    await intruder.request.post(f"/org/resources/{venue_id}/edit", form=form_fields)
    stored = await api.get("resources", f"/resources/{venue_id}")
    assert stored["name"] == "文化站多功能剧场"  # another organisation's edit changed nothing

    await page.click("button[data-move=withdraw]")  # asked first
    await expect(page.locator("#manage [data-status]")).to_have_attribute("data-status", "withdrawn")
    await expect(page.locator("#edit-resource")).to_have_count(0)


async def test_what_goes_wrong_is_shown_as_the_portals_own_pages_and_the_api_docs_need_no_internet(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts
) -> None:
    page = await new_page(PHONE)
    for address in ("/needs/not-an-id", "/areas/999999", "/no-such-page"):
        answer = await page.goto(address)
        assert answer is not None and answer.status == 404, address
        await expect(page.locator("main h1")).to_have_text("页面不存在")
        await expect(page.locator("header.top .brand")).to_be_visible()

    secretary = f"chengnan-big-{uuid.uuid4().hex[:6]}"
    org = await PlatformApi(stack, http).register_organization("城南大文本支部", COMMUNITY)
    await portal_accounts(Account(username=secretary, name="城南书记", role=Role.ORG_ADMIN, organization_id=org))
    await sign_in(page, secretary)
    await page.goto("/org/needs/new")
    form = await page.eval_on_selector("main form", "f => Object.fromEntries(new FormData(f))")
    too_large = await page.request.post(
        "/org/needs", form={**form, "title": "大", "description": "字" * 1_100_000}, headers={"Accept": "text/html"}
    )
    assert too_large.status == 413 and "提交的内容过大" in await too_large.text()

    offline = await new_page(WIDE)
    own = stack.url("gateway")

    async def only_the_portal(route: Route) -> None:
        await (route.continue_() if route.request.url.startswith(own) else route.abort("internetdisconnected"))

    await offline.context.route("**/*", only_the_portal)
    await offline.goto("/docs")
    await expect(offline.locator(".swagger-ui .opblock").first).to_be_visible()
    assert await offline.locator(".swagger-ui .opblock").count() > 20

    for path, at_most in (("/needs", 30_000), ("/vendor/swagger-ui-bundle.js", 600_000)):  # sent compressed
        answer = await http.get(own + path, headers={"Accept-Encoding": "gzip"})
        assert answer.headers["content-encoding"] == "gzip" and int(answer.headers["content-length"]) < at_most


async def test_each_audiences_main_pages_pass_an_accessibility_audit_on_a_phone_and_a_desktop(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts, screenshots: Path
) -> None:
    await named_places(stack, http)
    api = PlatformApi(stack, http)
    org = await api.register_organization("城南社区党支部", COMMUNITY)
    need_id = await api.post_need(org, "elderly_care", COMMUNITY, title="为老人送餐")
    venue_id = await api.share_resource(org, "venue", COMMUNITY, name="城南社区活动室")
    people = {role: f"quality-{role.value}-{uuid.uuid4().hex[:6]}" for role in Role}
    await portal_accounts(
        Account(username=people[Role.RESIDENT], name="城南居民", role=Role.RESIDENT, area_code=COMMUNITY),
        Account(username=people[Role.ORG_ADMIN], name="城南书记", role=Role.ORG_ADMIN, organization_id=org),
        Account(username=people[Role.AREA_ADMIN], name="城南社区", role=Role.AREA_ADMIN, area_code=COMMUNITY),
    )
    anyone = [
        "/",
        f"/areas/{DISTRICT}",
        "/needs",
        f"/needs/{need_id}",
        "/venues",
        f"/resources/{venue_id}",
        "/search?q=城南",
    ]
    pages = {
        None: anyone,
        Role.RESIDENT: ["/me", "/concerns"],
        Role.ORG_ADMIN: ["/org", "/org/needs/new", "/org/resources/new"],
        Role.AREA_ADMIN: ["/admin"],
    }
    violations: list[str] = []
    for width in (PHONE, WIDE):
        for role, addresses in pages.items():
            page = await new_page(width)
            if role is not None:
                await sign_in(page, people[role])
            for address in addresses:
                await page.goto(address)
                violations += await audit(page)
                await fits(page)
                name = address.replace(need_id, "one").replace(venue_id, "one").replace(DISTRICT, "district")
                name = name.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
                await snap(page, screenshots, f"quality-{role.value if role else 'anyone'}-{name[:40]}-{width}")
    assert violations == []


async def test_an_administrator_compares_the_areas_below_sorts_them_and_takes_every_table_as_a_workbook(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, portal_accounts: Accounts
) -> None:
    await named_places(stack, http)
    north = {"code": f"{DISTRICT}002", "name": "城北街道", "level": "street", "parent_code": DISTRICT}
    answer = await http.post(stack.url("organizations") + "/areas", json=north, headers=acting(PLATFORM))
    assert answer.status_code in (201, 409), answer.text
    api = PlatformApi(stack, http)
    org = await api.register_organization("城南社区服务站", COMMUNITY)
    await api.post_need(org, "elderly_care", COMMUNITY, title="陪老人散步")
    officer = f"yongtai-{uuid.uuid4().hex[:6]}"
    await portal_accounts(Account(username=officer, name="永泰县", role=Role.AREA_ADMIN, area_code=DISTRICT))
    page = await new_page(WIDE)
    await sign_in(page, officer)

    await page.goto("/admin")
    rows = page.locator("#compare tbody tr")
    await expect(rows).to_have_count(2)
    posted = page.locator("#compare thead th").nth(3)
    await posted.locator("button").click()  # fewest needs first
    await expect(posted).to_have_attribute("aria-sort", "ascending")
    await expect(rows.first).to_have_attribute("data-area", f"{DISTRICT}002")
    await posted.locator("button").click()  # most first
    await expect(rows.first).to_have_attribute("data-area", STREET)
    await expect(page.locator("#chart-month [data-table=by-month] tbody tr")).to_have_count(12)

    async with page.expect_download() as downloading:
        await page.click("#export")
    downloaded = Path(await (await downloading.value).path())
    book = load_workbook(io.BytesIO(await asyncio.to_thread(downloaded.read_bytes)))
    assert book.sheetnames == ["按月", "按类别", "下级区域对比", "逾期需求", "最繁忙场地", "响应最积极的组织"]
    compared = [list(r) for r in book["下级区域对比"].iter_rows(min_row=2, values_only=True)]
    assert sorted(r[1] for r in compared) == [STREET, f"{DISTRICT}002"]
    assert next(r for r in compared if r[1] == STREET)[4] >= 1  # its needs posted
    assert len(list(book["按月"].iter_rows(min_row=2))) == 12


async def test_on_a_phone_the_menu_opens_from_a_button_the_tabs_stay_and_the_elderly_friendly_look_is_one_tap_away(
    stack: TestStack, http: httpx.AsyncClient, new_page: NewPage, screenshots: Path
) -> None:
    await named_places(stack, http)
    page = await new_page(PHONE)
    await page.goto("/")
    nav = page.locator("#menu")
    await expect(nav).to_be_hidden()
    header = await page.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 140, header  # not a wall of links
    await page.click(".menu-toggle")
    await expect(nav).to_be_visible()
    await expect(page.locator(".menu-toggle")).to_have_attribute("aria-expanded", "true")
    await expect(page.locator("nav.tabs")).to_be_visible()
    await expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("首页")

    standard = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    await page.click("#menu .care-switch")
    await expect(page.locator("body")).to_have_class("care")
    larger = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= standard * 1.25, (standard, larger)
    await snap(page, screenshots, "quality-elderly-friendly-phone")
    await page.click(".menu-toggle")
    await page.click("#menu .care-switch")
    await expect(page.locator("body")).not_to_have_class("care")

    desktop = await new_page(DESKTOP)
    await desktop.goto("/")
    await expect(desktop.locator("#menu")).to_be_visible()
    await expect(desktop.locator(".menu-toggle")).to_be_hidden()
    await expect(desktop.locator("nav.tabs")).to_be_hidden()
    months = desktop.locator("#chart-month [data-table=by-month] tbody tr")
    await expect(months).to_have_count(12)  # every month of the last twelve, empty ones too
    await desktop.click("#chart-month a[href='?months=24#chart-month']")
    await expect(months).to_have_count(24)
    await expect(desktop.locator("#chart-month svg > rect.s-posted")).to_have_count(24)
    await expect(desktop.locator("footer.site")).to_contain_text("党建超市")
