"""Signing in against the whole stack, as someone guessing would: passwords are checked off the
event loop (the gateway keeps answering meanwhile), and failed attempts are limited per client
address as well as per username."""

from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from uuid import uuid4

import httpx
import pytest

from devkit.testing import PORTAL_PASSWORD, TestStack
from gateway.portal.accounts import Account, Role

pytestmark = pytest.mark.stack

Make = Callable[..., Awaitable[list[Account]]]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')

FAILURES_PER_MINUTE = 20  # the gateway's default SIGN_IN_FAILURES_PER_MINUTE


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no form token"
    return found.group(1)


def somewhere() -> str:
    """A client address of its own (the tests reach the gateway from 127.0.0.1, a trusted proxy)."""
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


async def attempt(http: httpx.AsyncClient, token: str, address: str, username: str, password: str) -> int:
    form = {"username": username, "password": password, "csrf": token}
    return (await http.post("/login", data=form, headers={"X-Forwarded-For": address})).status_code


async def test_sign_ins_with_made_up_names_leave_the_gateway_answering(stack: TestStack) -> None:
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=60) as http:
        token = csrf_of(await http.get("/login"))
        addresses = [somewhere() for _ in range(4)]  # each under its limit: every attempt is checked
        guesses = [attempt(http, token, addresses[n % 4], f"x{uuid4().hex[:12]}", "guess") for n in range(40)]
        guessing = asyncio.gather(*guesses)
        waits = []
        while not guessing.done():
            start = time.perf_counter()
            assert (await http.get("/healthz")).status_code == 200
            waits.append(time.perf_counter() - start)
            await asyncio.sleep(0.01)
        answers = Counter(await guessing)

    figures = {"p50_ms": round(statistics.median(waits) * 1000, 1), "max_ms": round(max(waits) * 1000, 1)}
    print(json.dumps({"healthz_during_sign_ins": {**figures, "asked": len(waits), "answers": dict(answers)}}))
    assert answers == {401: 40}
    assert len(waits) >= 10 and figures["p50_ms"] < 100 and figures["max_ms"] < 1000, figures


async def test_failed_sign_ins_are_limited_per_client_address(stack: TestStack, portal_accounts: Make) -> None:
    username = f"u{uuid4().hex[:10]}"
    await portal_accounts(Account(username=username, name="赵六", role=Role.RESIDENT, area_code="350102001001"))
    guessing, elsewhere = somewhere(), somewhere()
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=60) as http:
        token = csrf_of(await http.get("/login"))
        made_up = [
            attempt(http, token, guessing, f"x{uuid4().hex[:12]}", "guess") for _ in range(FAILURES_PER_MINUTE + 10)
        ]
        answers = Counter(await asyncio.gather(*made_up))
        right_from_elsewhere = await attempt(http, token, elsewhere, username, PORTAL_PASSWORD)

    assert answers == {401: FAILURES_PER_MINUTE, 429: 10}  # at once too: no more checked than allowed
    assert right_from_elsewhere == 303
