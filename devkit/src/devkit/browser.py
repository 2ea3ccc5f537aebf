"""The portal in a real browser, for the tests: signing in as a person does, and a screenshot
of a page for the artifacts. The pages themselves come from the suite's `new_page` fixture
(each in a browser profile of its own, `PHONE` or `DESKTOP` wide)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import Page, expect

from devkit.testing import PORTAL_PASSWORD

PHONE, DESKTOP = 390, 1280  # the widths the portal is tried at
NewPage = Callable[..., Awaitable[Page]]  # new_page(width=DESKTOP)


async def sign_in(page: Page, username: str) -> None:
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PORTAL_PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page.locator("header .who")).to_be_visible()


async def on_phone(new_page: NewPage, username: str) -> Page:
    """A phone-wide page of its own, signed in as `username`."""
    page = await new_page(PHONE)
    await sign_in(page, username)
    return page


async def snap(page: Page, folder: Path, name: str) -> None:
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


async def fits(page: Page) -> None:
    """Nothing on the page is wider than the screen: it reads without scrolling sideways."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    screen = page.viewport_size
    assert screen is not None and width <= screen["width"], f"{page.url} is {width}px wide"
