"""Session-wide fixtures: one shared stack for every test that needs the real parts, and one
Chromium for the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Dialog, Page, async_playwright
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devkit.browser import DESKTOP, PHONE, NewPage
from devkit.testing import PORTAL_PASSWORD, TestStack, ensure_infra
from gateway.config import Settings as GatewaySettings
from gateway.portal.accounts import Account
from gateway.portal.cli import add_all
from runtime.mongo import Document

ARTIFACTS = Path(__file__).parent / "artifacts"
# Debian's Chromium, headless, kept off the network it cannot reach here (Playwright downloads no browser)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def infra() -> tuple[str, str]:
    """(Kafka bootstrap servers, MongoDB URL): the real servers every integration test uses."""
    return ensure_infra()


@pytest.fixture(scope="session")
def stack(infra: tuple[str, str]) -> Iterator[TestStack]:
    """The eight services as processes, once per session, with their own topics and databases."""
    kafka, mongo = infra
    stack = TestStack(kafka=kafka, mongo=mongo)
    try:
        stack.start(ARTIFACTS / "logs" / stack.prefix)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
async def mongo(infra: tuple[str, str]) -> AsyncIterator[AsyncMongoClient[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra[1], tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
async def db(mongo: AsyncMongoClient[Document]) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of the test's own on the shared stack, dropped after it."""
    name = f"t{uuid4().hex[:12]}"
    yield mongo[name]
    await mongo.drop_database(name)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture
def portal_accounts(stack: TestStack) -> Callable[..., Awaitable[list[Account]]]:
    """Makes portal accounts in the stack's gateway, each with the password `PORTAL_PASSWORD`."""
    settings = GatewaySettings(mongo_url=stack.mongo, mongo_db=stack.database("gateway"))

    async def make(*accounts: Account) -> list[Account]:
        return await add_all(list(accounts), PORTAL_PASSWORD, settings, again=False)

    return make


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium (`make browser` installs it), driven by Playwright."""
    executable = shutil.which("chromium")
    assert executable, "no chromium on this machine: `make browser` installs Debian's"
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def accept(dialog: Dialog) -> None:
    await dialog.accept()


@pytest.fixture
async def new_page(browser: Browser, stack: TestStack) -> AsyncIterator[NewPage]:
    """Pages on the stack's gateway, `width` pixels wide (`devkit.browser.PHONE` is a phone's,
    touch included), each in a browser profile of its own (its own cookies); a script error on
    any of them fails the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    async def make(width: int = DESKTOP) -> Page:
        phone = width == PHONE
        context = await browser.new_context(
            base_url=stack.url("gateway"),
            viewport={"width": width, "height": 844 if phone else 900},
            is_mobile=phone,
            has_touch=phone,
        )
        contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("dialog", accept)  # a form that ends something asks first: the person says yes
        return page

    yield make
    for context in contexts:
        await context.close()
    assert not errors, f"scripts failed: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the browser tests keep their screenshots of the main pages (a CI artifact)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
