"""The city administrator reads every service's audit log in the portal; nobody else does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import uuid4

import httpx
import pytest

from devkit.testing import PlatformApi, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Make = Callable[..., Awaitable[list[Account]]]


@pytest.fixture
async def browser_like(stack: TestStack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=10) as client:
        yield client


async def _signed_in(client: httpx.AsyncClient, make: Make, area_code: str) -> None:
    username = f"u{uuid4().hex[:10]}"
    await make(Account(username=username, name="市管理员", role=Role.AREA_ADMIN, area_code=area_code))
    login = await client.get("/login")
    token = login.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    form = {"username": username, "password": "portal-tests-2026", "csrf": token}
    assert (await client.post("/login", data=form)).status_code == 303


class TestAuditPage:
    async def test_the_city_administrator_reads_each_services_log(
        self, stack: TestStack, http: httpx.AsyncClient, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        await PlatformApi(stack, http).ensure_area("350111001001")  # a write the registry records
        await _signed_in(browser_like, portal_accounts, "350100")
        registry = await browser_like.get("/admin/audit", params={"service": "organizations", "route": "/areas"})
        assert registry.status_code == 200 and "POST /areas" in registry.text
        own = await browser_like.get("/admin/audit", params={"service": "gateway", "route": "/login"})
        assert own.status_code == 200 and "POST /login" in own.text
        assert "/admin/audit" in (await browser_like.get("/admin")).text

    async def test_a_district_administrator_is_refused(
        self, portal_accounts: Make, browser_like: httpx.AsyncClient
    ) -> None:
        await _signed_in(browser_like, portal_accounts, "350102")
        assert (await browser_like.get("/admin/audit")).status_code == 403
