"""Each lifecycle walked to its end in a real browser (Chromium, driven by Playwright), every
step by the person who takes it and through the portal only: a need drafted, published,
claimed, started, completed, fulfilled, confirmed and rated; a resident's wish claimed on the wish wall, proved,
confirmed, thanked and rated; a rating answered by the organisation rated and its comment hidden
by the area's administrator. The partner API's side of the same is `test_partner_needs`."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from devkit.browser import PHONE, NewPage, fits, sign_in, snap
from devkit.testing import PlatformApi, TestStack, eventually, organization
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Accounts = Callable[..., Awaitable[list[Account]]]
DISTRICT = "350124"  # each test takes a street of its own below it
_streets = iter(range(100, 999))


def new_community() -> str:
    return f"{DISTRICT}{next(_streets):03d}001"


SignedIn = Callable[[str], Awaitable[Page]]


@pytest.fixture
def signed_in(new_page: NewPage) -> SignedIn:
    """A phone's page signed in as one account (the portal's people mostly are on phones)."""

    async def make(username: str) -> Page:
        page = await new_page(PHONE)
        await sign_in(page, username)
        return page

    return make


async def move(page: Page, selector: str, status: str, where: str = "#need-status") -> None:
    """Presses a move's button and waits for the page to show the state it led to."""
    await page.locator(selector).click()
    await expect(page.locator(".refused")).to_have_count(0)
    await expect(page.locator(where)).to_have_attribute("data-status", status)


async def rate(page: Page, subject: str, *, stars: int, comment: str) -> None:
    """Rates, from the page's "to rate" list, the help received for `subject` (kind:id); the
    rating waits there once the services have heard the help was done."""
    card = page.locator(f"#to-rate [data-subject='{subject}']")
    for _ in range(20):
        if await card.count():
            break
        await page.wait_for_timeout(500)
        await page.reload()
    await card.locator("select[name=stars]").select_option(str(stars))
    await card.locator("input[name=comment]").fill(comment)
    await card.locator("input[value=on_time]").check()
    await card.locator("button[data-move=rate]").click()
    await expect(page.locator(".refused")).to_have_count(0)
    await expect(page.locator(f"[data-subject='{subject}']")).to_have_count(0)


async def csrf(page: Page) -> str:
    """The visitor's form token, as every form on the page carries it."""
    token = await page.locator("input[name=csrf]").first.get_attribute("value")
    assert token
    return token


async def figure(page: Page, area_code: str, key: str) -> int:
    await page.goto(f"/areas/{area_code}")
    return int((await page.locator(f"[data-figure='{key}'] b").inner_text()).replace(",", ""))


class TestANeed:
    async def test_is_posted_claimed_started_completed_fulfilled_and_confirmed_each_by_its_own_people(
        self,
        stack: TestStack,
        http: httpx.AsyncClient,
        portal_accounts: Accounts,
        signed_in: SignedIn,
        screenshots: Path,
    ) -> None:
        api = PlatformApi(stack, http)
        community = new_community()
        poster = await api.register_organization("东街社区党委", community, kind="party_committee")
        helper = await api.register_organization("东街医院党支部", community)
        await portal_accounts(
            Account(username="dong-shuji", name="董书记", role=Role.ORG_ADMIN, organization_id=poster),
            Account(username="yi-zhuren", name="易主任", role=Role.ORG_ADMIN, organization_id=helper),
            Account(username="jie-guanli", name="街道管理员", role=Role.AREA_ADMIN, area_code=community[:9]),
        )
        secretary, doctor = await signed_in("dong-shuji"), await signed_in("yi-zhuren")
        served_before = await figure(secretary, community, "claims_completed")

        await secretary.goto("/org/needs/new")
        await secretary.fill("input[name=title]", "重阳节义诊")
        await secretary.select_option("select[name=category]", "medical")
        await secretary.fill("input[name=quantity]", "3")
        await secretary.check("input[name=draft]")
        await secretary.click("form[action='/org/needs'] button[type=submit]")
        await expect(secretary.locator("#need-status")).to_have_attribute("data-status", "draft")
        need_url = secretary.url.split("?")[0]
        await move(secretary, "button[data-move=publish]", "open")

        await secretary.locator("#edit-need summary, details summary").first.click()
        await secretary.fill("#edit-need textarea[name=description]", "带血压计,上午九点到")
        await secretary.click("#edit-need button[type=submit]")
        await expect(secretary.locator("article")).to_contain_text("带血压计")

        await doctor.goto(need_url)
        await doctor.fill("input[name=quantity]", "2")
        await move(doctor, "form[action$='/claim'] button", "partly_claimed")
        claim = doctor.locator("[data-claim]")
        await expect(claim).to_have_attribute("data-status", "live")
        claim_id = await claim.get_attribute("data-claim")
        await doctor.goto("/org")
        await expect(doctor.locator("[data-claim]")).to_contain_text("开始服务")  # what to do next
        await fits(doctor)
        await doctor.goto(need_url)
        await move(doctor, "[data-claim] button[data-move=start]", "started", "[data-claim]")

        await secretary.goto(need_url)
        await move(secretary, "button[data-move=start]", "in_progress")
        await secretary.fill("[data-claim] input[name=served]", "40")
        await move(secretary, "[data-claim] button[data-move=complete]", "completed", "[data-claim]")
        await expect(secretary.locator("[data-claim]")).to_contain_text("40")
        await fits(secretary)  # the need's page with its claims, on a phone
        await move(secretary, "button[data-move=fulfil]", "fulfilled")
        await snap(secretary, screenshots, "need-fulfilled")

        street = await signed_in("jie-guanli")
        await street.goto(need_url)
        await move(street, "button[data-move=confirm]", "confirmed")
        await expect(street.locator("#need-status")).to_have_text("已确认")
        await street.click("a.lang")  # the same page in English
        await expect(street.locator("#need-status")).to_have_text("confirmed")
        await expect(street.locator("#claims")).to_contain_text("completed")
        await expect(street.locator("#claims")).to_contain_text("Person-times served: 40")

        assert await figure(street, community, "claims_completed") == served_before + 40

        await doctor.goto("/org")  # the claimer's points and hours: 40 person-times, within the day's cap
        points = doctor.locator("#points")
        for _ in range(20):  # once the points service has heard the claim was completed
            if await points.get_attribute("data-points") not in (None, "0"):
                break
            await doctor.wait_for_timeout(500)
            await doctor.reload()
        await expect(points).to_have_attribute("data-points", "200")  # 400 earned, capped at 200 a day
        await expect(points).to_have_attribute("data-minutes", "2400")  # 40 person-times of 60 minutes

        await secretary.goto("/org")  # the poster rates the help it received
        await rate(secretary, f"claim:{claim_id}", stars=4, comment="很专业,准时到场")
        await secretary.goto(f"/organizations/{helper}")
        await expect(secretary.locator("#ratings")).to_have_attribute("data-average", "4.0")
        await expect(secretary.locator("#ratings")).to_contain_text("很专业,准时到场")
        await fits(secretary)

    async def test_refuses_a_move_its_state_does_not_allow_in_the_visitors_language(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, signed_in: SignedIn
    ) -> None:
        api = PlatformApi(stack, http)
        community = new_community()
        poster = await api.register_organization("西街社区党委", community)
        need_id = await api.post_need(poster, "medical", community, quantity=1)
        await portal_accounts(Account(username="xi-shuji", name="席书记", role=Role.ORG_ADMIN, organization_id=poster))
        secretary = await signed_in("xi-shuji")
        await secretary.goto(f"/needs/{need_id}")
        await move(secretary, "button[data-move=cancel]", "cancelled")
        assert await secretary.locator("#need-moves button").count() == 0  # nothing left to do

        before = await api.get("needs", f"/needs/{need_id}")
        form = secretary.locator("form[action$='/claim']")
        assert await form.count() == 0
        answer = await secretary.request.post(
            f"/needs/{need_id}/start", form={"csrf": await csrf(secretary)}, max_redirects=0
        )
        assert answer.status == 303
        await secretary.goto(f"/needs/{need_id}")
        await expect(secretary.locator(".refused")).to_contain_text("已取消")
        assert (await api.get("needs", f"/needs/{need_id}"))["version"] == before["version"]


def photo() -> bytes:
    """A real PNG (a red 2×2 square), as a phone would upload one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xcc\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


async def prove(wish: Locator) -> None:
    """The holder of a wish uploads the photo of it done, from the wish's card on the wall page."""
    await wish.locator("input[name=photo]").set_input_files(
        {"name": "done.png", "mimeType": "image/png", "buffer": photo()}
    )
    await wish.locator("button[data-move=prove]").click()
    await expect(wish).to_have_attribute("data-status", "done")


class TestAWish:
    async def test_is_claimed_on_the_wall_proved_confirmed_and_thanked_each_by_its_own_people(
        self,
        stack: TestStack,
        http: httpx.AsyncClient,
        portal_accounts: Accounts,
        signed_in: SignedIn,
        screenshots: Path,
    ) -> None:
        api = PlatformApi(stack, http)
        community = new_community()
        volunteers = await api.register_organization("南街青年志愿服务队党支部", community)
        await portal_accounts(
            Account(username="nan-ayi", name="南阿姨", role=Role.RESIDENT, area_code=community),
            Account(username="nan-dangyuan", name="南党员", role=Role.MEMBER, organization_id=volunteers),
        )
        resident, member = await signed_in("nan-ayi"), await signed_in("nan-dangyuan")

        await resident.goto("/me")
        await resident.fill("form[action='/me/wishes'] input[name=title]", "想要一台收音机")
        await resident.click("form[action='/me/wishes'] button[type=submit]")
        wish = resident.locator("[data-wish]", has_text="想要一台收音机")
        await expect(wish.locator("[data-status]")).to_have_attribute("data-status", "open")
        wish_id = await wish.get_attribute("data-wish")

        await member.goto(f"/wishes?area={community}")
        card = member.locator(f"#wall [data-wish='{wish_id}']")
        await expect(card).to_contain_text("南**")  # the wall does not name the resident
        await expect(card).not_to_contain_text("南阿姨")
        await fits(member)
        await card.locator("button[data-move=claim]").click()
        ours = member.locator(f"#ours [data-wish='{wish_id}']")
        await expect(ours).to_have_attribute("data-status", "claimed")
        await prove(ours)

        await resident.goto("/me")
        await expect(wish.locator("img.proof")).to_be_visible()
        assert await wish.locator("img.proof").evaluate("img => img.naturalWidth") == 2  # the photo itself
        await wish.locator("form[action$='/confirm'] button").click()
        await expect(wish.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
        await snap(resident, screenshots, "wish-confirmed")

        await rate(resident, f"wish:{wish_id}", stars=5, comment="谢谢小伙子们")

        await member.goto("/org")
        await member.locator(f"#letters [data-letter='{wish_id}']").click()
        await expect(member.locator("body")).to_contain_text("南街青年志愿服务队党支部")
        await expect(member.locator("body")).to_contain_text("想要一台收音机")
        await member.goto(f"/organizations/{volunteers}")
        await expect(member.locator("#ratings")).to_contain_text("谢谢小伙子们")

    async def test_a_community_worker_posts_one_for_a_resident_and_confirms_it_for_them(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, signed_in: SignedIn
    ) -> None:
        api = PlatformApi(stack, http)
        community = new_community()
        helpers = await api.register_organization("北街物业党支部", community)
        await portal_accounts(
            Account(username="bei-shegong", name="北社工", role=Role.AREA_ADMIN, area_code=community),
            Account(username="bei-zhuren", name="北主任", role=Role.ORG_ADMIN, organization_id=helpers),
        )
        worker, helper = await signed_in("bei-shegong"), await signed_in("bei-zhuren")

        await worker.goto("/admin")
        form = worker.locator("#post-for-resident")
        await form.locator("input[name=resident_name]").fill("北大爷")
        await form.locator("input[name=title]").fill("修好家里的灯")
        await form.locator("select[name=category]").select_option("repairs")
        await form.locator("button[type=submit]").click()
        posted = worker.locator("#area-wishes [data-wish]", has_text="修好家里的灯")
        await expect(posted).to_contain_text("北大爷")  # the community worker knows who it is for
        wish_id = await posted.get_attribute("data-wish")

        await helper.goto("/wishes")
        await helper.locator(f"#wall [data-wish='{wish_id}'] button[data-move=claim]").click()
        ours = helper.locator(f"#ours [data-wish='{wish_id}']")
        await prove(ours)

        await worker.goto("/admin")
        await posted.locator("button[data-move=confirm]").click()
        await expect(worker.locator(".refused")).to_have_count(0)
        assert (await api.get("needs", f"/wishes/{wish_id}", actor=organization(helpers)))["status"] == "confirmed"
        await helper.goto("/org")
        await expect(helper.locator(f"#letters [data-letter='{wish_id}']")).to_be_visible()


class TestARating:
    async def test_is_answered_by_the_organisation_rated_and_its_comment_hidden_by_the_areas_administrator(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Accounts, signed_in: SignedIn
    ) -> None:
        api = PlatformApi(stack, http)
        community = new_community()
        poster = await api.register_organization("中街社区党委", community)
        helper = await api.register_organization("中街家政党支部", community)
        need_id = await api.post_need(poster, "cleaning", community, quantity=1)
        claim = await api.post("needs", f"/needs/{need_id}/claims", {"quantity": 1}, actor=organization(helper))
        for move in ("start", "complete"):
            await api.post(
                "needs", f"/needs/{need_id}/claims/{claim['id']}/{move}", {}, 200, actor=organization(poster)
            )

        async def waiting() -> str:
            found = await api.get("needs", "/evaluations/waiting", actor=organization(poster))
            assert found, "no rating waits yet"
            return str(found[0]["id"])

        rating = await eventually(waiting, within=30)
        given = {"stars": 2, "comment": "态度很差,乱说话"}
        await api.post("needs", f"/evaluations/{rating}/give", given, 200, actor=organization(poster))
        await portal_accounts(
            Account(username="zhong-zhuren", name="钟主任", role=Role.ORG_ADMIN, organization_id=helper),
            Account(username="zhong-guanli", name="钟管理员", role=Role.AREA_ADMIN, area_code=community[:9]),
        )

        rated = await signed_in("zhong-zhuren")
        await rated.goto(f"/organizations/{helper}")
        card = rated.locator(f"[data-rating='{rating}']")
        await card.locator("input[name=text]").fill("已批评教育当事人,欢迎再监督")
        await card.locator("button[data-move=answer]").click()
        await expect(card).to_contain_text("已批评教育当事人")
        await expect(card.locator("button[data-move=answer]")).to_have_count(0)  # once

        admin = await signed_in("zhong-guanli")
        await admin.goto(f"/organizations/{helper}")
        card = admin.locator(f"[data-rating='{rating}']")
        await card.locator("input[name=reason]").fill("人身攻击")
        await card.locator("button[data-move=hide]").click()
        await expect(card).not_to_contain_text("乱说话")
        await expect(card).to_contain_text("★★☆☆☆")  # the stars still count
        await expect(admin.locator("#ratings")).to_have_attribute("data-average", "2.0")
