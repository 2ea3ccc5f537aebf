"""The portal's protections over HTTP, against the whole stack: Argon2id passwords, sessions
that expire and end, CSRF on every form, security headers, roles scoped to their node, sign-in
limited per username."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from pymongo import AsyncMongoClient

from devkit.testing import PORTAL_PASSWORD, PlatformApi, TestStack, acting, organization
from gateway.portal.accounts import Account, Accounts, Role
from runtime.mongo import Document

pytestmark = pytest.mark.stack

Make = Callable[..., Awaitable[list[Account]]]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def browser_like(stack: TestStack) -> AsyncIterator[httpx.AsyncClient]:
    """A client that keeps its cookies, as a browser does, and does not follow redirects."""
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=10) as client:
        yield client


def name() -> str:
    return f"u{uuid4().hex[:10]}"


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no form token"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PORTAL_PASSWORD) -> httpx.Response:
    token = csrf_of(await client.get("/login"))
    return await client.post("/login", data={"username": username, "password": password, "csrf": token})


class TestSigningIn:
    async def test_a_password_is_kept_as_an_argon2id_hash_and_only_it_signs_in(
        self,
        stack: TestStack,
        portal_accounts: Make,
        browser_like: httpx.AsyncClient,
        mongo: AsyncMongoClient[Document],
    ) -> None:
        username = name()
        [account] = await portal_accounts(
            Account(username=username, name="王阿姨", role=Role.RESIDENT, area_code="350102001001")
        )
        stored = await mongo[stack.database("gateway")]["accounts"].find_one({"_id": account.id})
        assert stored is not None and stored["password_hash"].startswith("$argon2id$")
        assert PORTAL_PASSWORD not in str(stored)

        wrong = await sign_in(browser_like, username, "not-the-password")
        unknown = await sign_in(browser_like, name(), PORTAL_PASSWORD)
        assert wrong.status_code == unknown.status_code == 401
        assert "用户名或密码不正确" in wrong.text and "pbs_session" not in browser_like.cookies

        right = await sign_in(browser_like, username)
        assert (right.status_code, right.headers["location"]) == (303, "/me")
        cookie = right.headers["set-cookie"]
        assert "pbs_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert (await browser_like.get("/me")).status_code == 200

    async def test_sign_in_is_limited_per_username(
        self, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        username = name()
        await portal_accounts(Account(username=username, name="李四", role=Role.AREA_ADMIN, area_code="350102"))
        answers = [(await sign_in(browser_like, username, "guess")).status_code for _ in range(6)]
        assert answers == [401] * 5 + [429]
        assert (await sign_in(browser_like, username)).status_code == 429  # the right one too, for now

    async def test_a_link_to_sign_in_never_sends_the_visitor_to_another_site(
        self, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        username = name()
        await portal_accounts(Account(username=username, name="李四", role=Role.AREA_ADMIN, area_code="350102"))
        token = csrf_of(await browser_like.get("/login?next=//evil.example"))
        body = {"username": username, "password": PORTAL_PASSWORD, "csrf": token, "next": "//evil.example"}
        answer = await browser_like.post("/login", data=body)
        assert (answer.status_code, answer.headers["location"]) == (303, "/admin")

    async def test_a_resident_registers_once_in_a_community_and_is_told_why_not_otherwise(
        self,
        stack: TestStack,
        http: httpx.AsyncClient,
        browser_like: httpx.AsyncClient,
        mongo: AsyncMongoClient[Document],
    ) -> None:
        community = "350102009002"
        await PlatformApi(stack, http).ensure_area(community)
        username = name()
        form = {"username": username, "name": "赵大爷", "area_code": community, "password": PORTAL_PASSWORD}
        form["csrf"] = csrf_of(await browser_like.get("/register"))
        refusals = [
            ({"password": "short"}, "密码至少 8 个字符"),
            ({"area_code": "350102"}, "该编码不是本平台的社区"),  # a district
            ({"area_code": "not a code"}, "请检查填写的内容"),
        ]
        for change, said in refusals:
            refused = await browser_like.post("/register", data={**form, **change})
            assert refused.status_code == 422 and said in refused.text, change
        registered = await browser_like.post("/register", data=form)
        assert (registered.status_code, registered.headers["location"]) == (303, "/me")

        async with httpx.AsyncClient(base_url=stack.url("gateway")) as someone_else:
            again = await someone_else.post(
                "/register", data={**form, "csrf": csrf_of(await someone_else.get("/register"))}
            )
        assert again.status_code == 422 and "该用户名已被使用" in again.text
        accounts = mongo[stack.database("gateway")]["accounts"]
        assert await accounts.count_documents({"username": username}) == 1


class TestSessions:
    async def test_a_session_ends_when_it_expires_or_the_visitor_signs_out(
        self,
        stack: TestStack,
        portal_accounts: Make,
        browser_like: httpx.AsyncClient,
        mongo: AsyncMongoClient[Document],
    ) -> None:
        short = Accounts(mongo[stack.database("gateway")], session_minutes=0.01)  # 0.6 s
        [account] = await portal_accounts(
            Account(username=name(), name="张三", role=Role.ORG_ADMIN, organization_id="b" * 32)
        )
        token, _ = await short.open_session(account)
        assert await short.session(token) is not None
        await asyncio.sleep(0.8)
        assert await short.session(token) is None
        assert await short.sweep() >= 1

        # a page asking in the background (the bell) does not keep a session alive; a visit does
        longer = Accounts(mongo[stack.database("gateway")], session_minutes=0.03)  # 1.8 s
        asked, _ = await longer.open_session(account)
        visited, _ = await longer.open_session(account)
        for _ in range(4):
            await asyncio.sleep(0.6)
            await longer.session(asked, renew=False)
            await longer.session(visited)
        assert await longer.session(asked) is None and await longer.session(visited) is not None

        await sign_in(browser_like, account.username)
        page = await browser_like.get("/admin")  # not theirs: refused, but signed in
        assert page.status_code == 403
        out = await browser_like.post("/logout", data={"csrf": csrf_of(page)})
        assert out.status_code == 303
        again = await browser_like.get("/org")
        assert (again.status_code, again.headers["location"]) == (303, "/login?next=/org")

    async def test_a_stranger_has_no_inbox_and_the_bell_tells_them_of_nothing(
        self, browser_like: httpx.AsyncClient
    ) -> None:
        for path in ("/inbox", "/inbox/" + "a" * 32, "/inbox/settings"):
            answer = await browser_like.get(path)
            assert (answer.status_code, answer.headers["location"]) == (303, f"/login?next={path}")
        for path in ("/inbox/read", "/inbox/settings"):  # sent to sign in first, nothing changed
            answer = await browser_like.post(path, data={"email": "x@example.cn"})
            assert (answer.status_code, answer.headers["location"]) == (303, f"/login?next={path}")
        forged = "eyJmb3JnZWQiOiB0cnVlfQ.bm90LWEtc2lnbmF0dXJlLWF0LWFsbA"
        for path in ("/inbox/confirm", "/unsubscribe"):  # a link's token this platform did not sign
            assert (await browser_like.post(f"{path}?t={forged}")).status_code == 403
        browser_like.cookies.set("pbs_session", "a-token-nobody-was-given")
        assert (await browser_like.get("/inbox/unread.json")).json() == {"unread": 0}
        async with browser_like.stream("GET", "/inbox/live") as live:  # no one's messages
            assert [line async for line in live.aiter_lines()] == [": no inbox", ""]


class TestCoBuildingPages:
    ID = "a" * 32
    SIGNED_IN = (
        "/admin/export.xlsx",  # an area's tables, for its administrators
        "/concerns",
        "/admin/concerns",
        "/org/agreements",
        "/admin/agreements",
        "/admin/meetings",
        "/org/projects",
    )
    POSTS = (
        f"/org/resources/{ID}/edit",  # what an organisation shares: edited, paused, withdrawn by it
        f"/org/resources/{ID}/pause",
        f"/org/resources/{ID}/withdraw",
        "/concerns",
        f"/concerns/{ID}/rate",
        "/admin/concerns",
        f"/admin/concerns/{ID}/reply",
        f"/admin/concerns/{ID}/need",
        "/org/agreements",
        f"/org/agreements/{ID}/sign",
        f"/org/agreements/{ID}/end",
        "/admin/partners",
        "/admin/meetings",
        f"/admin/meetings/{ID}/record",
        f"/admin/meetings/{ID}/items/{ID}/need",
        "/org/projects",
        f"/projects/{ID}/spending",
        f"/projects/{ID}/comments",
        f"/projects/{ID}/approvals",
        f"/projects/{ID}/photos",
        f"/projects/{ID}/links",
        "/purchases",
        f"/purchases/{ID}/offers",
        f"/purchases/{ID}/award",
        f"/purchases/{ID}/deliveries",
        f"/purchases/{ID}/ratings",
        f"/purchases/{ID}/close",
    )

    async def test_a_stranger_is_sent_to_sign_in_and_changes_nothing(self, browser_like: httpx.AsyncClient) -> None:
        for path in self.SIGNED_IN:
            answer = await browser_like.get(path)
            assert (answer.status_code, answer.headers["location"]) == (303, f"/login?next={path}"), path
        for path in self.POSTS:
            answer = await browser_like.post(path, data={"title": "x", "text": "x"})
            assert (answer.status_code, answer.headers["location"]) == (303, f"/login?next={path}"), path
        for path in ("/projects", "/purchases", "/purchases/figures"):  # public: the project list, procurement
            assert (await browser_like.get(path)).status_code == 200, path

    async def test_each_page_is_its_roles_only(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        community = "350102009003"
        await PlatformApi(stack, http).ensure_area(community)
        username = name()
        await portal_accounts(Account(username=username, name="居民", role=Role.RESIDENT, area_code=community))
        await sign_in(browser_like, username)
        assert (await browser_like.get("/concerns")).status_code == 200
        for path in ("/admin/concerns", "/org/agreements", "/admin/agreements", "/admin/meetings", "/org/projects"):
            assert (await browser_like.get(path)).status_code == 403, path
        assert (await browser_like.get("/admin/export.xlsx")).status_code == 403
        csrf = csrf_of(await browser_like.get("/concerns"))
        for path in ("/admin/partners", "/purchases", f"/purchases/{self.ID}/award", "/org/agreements"):
            assert (await browser_like.post(path, data={"csrf": csrf})).status_code == 403, path
        for path in (f"/org/resources/{self.ID}/edit", f"/org/resources/{self.ID}/withdraw"):  # an organisation's
            assert (await browser_like.post(path, data={"csrf": csrf})).status_code == 403, path


class TestForms:
    async def test_a_form_without_the_sessions_token_is_refused_and_changes_nothing(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        community = "350102009001"
        await PlatformApi(stack, http).ensure_area(community)
        username = name()
        await portal_accounts(Account(username=username, name="王阿姨", role=Role.RESIDENT, area_code=community))
        assert (
            await browser_like.post("/login", data={"username": username, "password": PORTAL_PASSWORD})
        ).status_code == 403
        await sign_in(browser_like, username)
        wish = {"title": "想要一台收音机", "category": "elderly_care"}

        for token in ({}, {"csrf": "forged"}, {"csrf": browser_like.cookies["pbs_csrf"]}):  # the anonymous one
            refused = await browser_like.post("/me/wishes", data={**wish, **token})
            assert refused.status_code == 403, token
        page = await browser_like.get("/me")
        assert "想要一台收音机" not in page.text

        done = await browser_like.post("/me/wishes", data={**wish, "csrf": csrf_of(page)})
        assert (done.status_code, done.headers["location"]) == (303, "/me")
        shown = await browser_like.get("/me")
        assert shown.text.count("想要一台收音机") == 1 and 'role="status">已保存' in shown.text
        assert 'role="status"' not in (await browser_like.get("/me")).text  # a notice is shown once

    async def test_a_resident_confirms_the_wish_its_claimer_has_done(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        community = "350102009002"
        api = PlatformApi(stack, http)
        await api.ensure_area(community)
        username = name()
        await portal_accounts(Account(username=username, name="李奶奶", role=Role.RESIDENT, area_code=community))
        await sign_in(browser_like, username)
        page = await browser_like.get("/me")
        wish = {"title": "想要一副老花镜", "category": "elderly_care", "csrf": csrf_of(page)}
        assert (await browser_like.post("/me/wishes", data=wish)).status_code == 303
        found = re.search(r'data-wish="([0-9a-f]{32})"', (await browser_like.get("/me")).text)
        assert found is not None
        wish_id, shop = found[1], organization(await api.register_organization("某眼镜店党支部", community))
        await api.post("needs", f"/wishes/{wish_id}/claim", {}, status=200, actor=shop)
        photo = {"photo": ("done.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")}
        proof = await http.post(stack.url("needs") + f"/wishes/{wish_id}/proof", files=photo, headers=acting(shop))
        assert proof.status_code == 200, proof.text

        page = await browser_like.get("/me")
        assert f'action="/me/wishes/{wish_id}/confirm"' in page.text  # done by its claimer: the resident confirms
        confirmed = await browser_like.post(f"/me/wishes/{wish_id}/confirm", data={"csrf": csrf_of(page)})
        assert (confirmed.status_code, confirmed.headers["location"]) == (303, "/me")
        assert (
            f'data-wish="{wish_id}"><b>想要一副老花镜</b> <span class="tag status-confirmed"'
            in (await browser_like.get("/me")).text
        )

    async def test_a_notice_is_not_taken_from_the_address(self, browser_like: httpx.AsyncClient) -> None:
        page = await browser_like.get("/needs", params={"done": "您的账号已停用,请拨打 110"})
        assert page.status_code == 200 and "账号已停用" not in page.text


class TestEveryAnswer:
    async def test_carries_the_security_headers(self, browser_like: httpx.AsyncClient) -> None:
        for path in ("/", "/needs", "/login", "/api/v1/stats"):
            headers = (await browser_like.get(path)).headers
            assert headers["x-content-type-options"] == "nosniff", path
            assert headers["x-frame-options"] == "DENY", path
            assert headers["referrer-policy"] == "same-origin", path
            assert "script-src 'self'" in headers["content-security-policy"], path
            assert "frame-ancestors 'none'" in headers["content-security-policy"], path

    async def test_is_in_chinese_unless_the_visitor_switches_to_english(self, browser_like: httpx.AsyncClient) -> None:
        assert "登录" in (await browser_like.get("/login")).text
        switched = await browser_like.get("/lang/en?next=/login")
        assert (switched.status_code, switched.headers["location"]) == (303, "/login")
        page = (await browser_like.get("/login")).text
        assert "Sign in" in page and "登录" not in page and '<html lang="en">' in page


class TestRoles:
    async def test_each_role_sees_its_own_pages_and_an_administrator_only_their_subtree(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        api = PlatformApi(stack, http)
        await api.ensure_area("350103001001")
        await api.ensure_area("350104001001")
        admin = name()
        await portal_accounts(Account(username=admin, name="台江区管理员", role=Role.AREA_ADMIN, area_code="350103"))

        assert (await browser_like.get("/me")).headers["location"] == "/login?next=/me"
        await sign_in(browser_like, admin)
        assert (await browser_like.get("/admin")).status_code == 200
        below = await browser_like.get("/admin", params={"area": "350103001001"})
        assert below.status_code == 200 and 'data-area="350103001001"' in below.text
        assert (await browser_like.get("/admin", params={"area": "350104001001"})).status_code == 403
        assert (await browser_like.get("/admin", params={"area": "350100"})).status_code == 403
        assert (await browser_like.get("/me")).status_code == 403
        assert (await browser_like.get("/org")).status_code == 403

    async def test_a_claim_starting_within_a_day_is_reminded_at_the_top_of_the_claimers_dashboard(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        api = PlatformApi(stack, http)
        community = "350102011001"
        poster = await api.register_organization("某社区居委会党支部", community)
        helper = await api.register_organization("某医院志愿队", community)
        starts = (datetime.now(UTC) + timedelta(hours=5)).isoformat()
        body = {"title": "明早陪诊", "category": "medical", "area_code": community, "quantity": 1, "starts_at": starts}
        need = await api.post("needs", "/needs", body, actor=organization(poster))
        await api.post("needs", f"/needs/{need['id']}/claims", {"quantity": 1}, actor=organization(helper))
        username = name()
        await portal_accounts(Account(username=username, name="队长", role=Role.ORG_ADMIN, organization_id=helper))
        await sign_in(browser_like, username)

        page = (await browser_like.get("/org")).text
        reminders = page.index('id="reminders"')
        assert reminders < page.index('id="proposals"')  # at the top
        assert f'href="/needs/{need["id"]}">明早陪诊' in page[reminders:]

    async def test_a_member_sees_the_dashboard_but_only_an_administrator_decides(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        organization_id = await PlatformApi(stack, http).register_organization("某党小组", "350102010001")
        member = name()
        await portal_accounts(
            Account(username=member, name="党员甲", role=Role.MEMBER, organization_id=organization_id)
        )
        await sign_in(browser_like, member)
        page = await browser_like.get("/org")
        assert page.status_code == 200 and "某党小组" in page.text and "/org/needs/new" not in page.text
        token = csrf_of(page)
        assert (await browser_like.get("/org/needs/new")).status_code == 403
        decided = await browser_like.post(f"/org/proposals/{'c' * 32}/accept", data={"csrf": token})
        posted = await browser_like.post("/org/needs", data={"csrf": token, "title": "x", "category": "legal_aid"})
        assert decided.status_code == posted.status_code == 403
        need_id = await PlatformApi(stack, http).post_need(organization_id, "legal_aid", "350102010001")
        cancelled = await browser_like.post(f"/needs/{need_id}/cancel", data={"csrf": token})
        completed = await browser_like.post(f"/needs/{need_id}/claims/{'c' * 32}/complete", data={"csrf": token})
        assert cancelled.status_code == completed.status_code == 403
        assert (await PlatformApi(stack, http).get("needs", f"/needs/{need_id}"))["status"] == "open"


ANY = "a" * 32
# The forms that carry a need, a wish, a service request and a rating to their end, by who may
# post them; everyone else is refused before any service is asked.
ORGANISATIONS = [
    f"/needs/{ANY}/claims/{ANY}/start",
    f"/wishes/{ANY}/claim",
    f"/org/wishes/{ANY}/release",
    f"/org/wishes/{ANY}/proof",
]
ORGANISATIONS_ADMINISTRATORS = [
    f"/needs/{ANY}/edit",
    f"/needs/{ANY}/cancel",
    f"/needs/{ANY}/claims/{ANY}/complete",
    f"/org/service-requests/{ANY}/accept",
    f"/ratings/{ANY}/answer",
]
AREAS_ADMINISTRATORS = ["/admin/wishes", f"/admin/wishes/{ANY}/confirm", f"/ratings/{ANY}/hide"]
ANYONE_SIGNED_IN = [f"/ratings/{ANY}/give", f"/resources/{ANY}/request", f"/service-requests/{ANY}/cancel"]


class TestTheLoopsForms:
    @pytest.mark.parametrize(
        "path", ORGANISATIONS + ORGANISATIONS_ADMINISTRATORS + AREAS_ADMINISTRATORS + ANYONE_SIGNED_IN
    )
    async def test_a_visitor_not_signed_in_is_sent_to_sign_in(self, browser_like: httpx.AsyncClient, path: str) -> None:
        answer = await browser_like.post(path, data={"csrf": "x"})
        assert (answer.status_code, answer.headers["location"].split("?")[0]) == (303, "/login")

    async def test_each_role_is_refused_the_moves_that_are_not_its_own(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        organization_id = await PlatformApi(stack, http).register_organization("某志愿队党支部", "350102012001")
        resident, member = name(), name()
        await portal_accounts(
            Account(username=resident, name="居民乙", role=Role.RESIDENT, area_code="350102012001"),
            Account(username=member, name="党员乙", role=Role.MEMBER, organization_id=organization_id),
        )
        refused = {
            resident: ORGANISATIONS + ORGANISATIONS_ADMINISTRATORS + AREAS_ADMINISTRATORS,
            member: ORGANISATIONS_ADMINISTRATORS + AREAS_ADMINISTRATORS + [f"/ratings/{ANY}/give"],
        }
        for username, paths in refused.items():
            browser_like.cookies.clear()
            await sign_in(browser_like, username)
            token = csrf_of(await browser_like.get("/needs"))
            answers = {path: (await browser_like.post(path, data={"csrf": token})).status_code for path in paths}
            assert set(answers.values()) == {403}, answers
