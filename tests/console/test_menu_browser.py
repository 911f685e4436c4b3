"""The menu on a phone and on a desk, in Debian's headless Chromium: for the roles with the longest
menus, every page the menu opens is walked at 375 and 1280 px. On a phone the menu wraps (no script
needed): every entry is on the screen, none cut off or behind another, and no page is wider than
the phone; each page marks its own entry as the current one, in the same order on every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.async_api import ViewportSize

from core.seed.demo_queue import seed_demo_queue
from storage.enums import AdminRole
from storage.uow import UnitOfWork
from tests.console.browser import Tab, chromium, tab
from tests.console.conftest import console_user
from tests.console.test_browser import log_in
from tests.console.test_money_browser import base  # noqa: F401 (the served console, a fixture)
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
SIZES = (ViewportSize(width=375, height=812), ViewportSize(width=1280, height=800))
MENU_BOXES = """() => [...document.querySelectorAll('header.top nav a, header.top .who a, .who button')]
  .map(a => { const r = a.getBoundingClientRect();
              return {href: a.getAttribute('href') || 'logout', left: r.left, right: r.right,
                      top: r.top, bottom: r.bottom, current: a.getAttribute('aria-current')}; })"""


async def _menu_holds(t: Tab, size: ViewportSize) -> list[str]:
    await t.page.set_viewport_size(size)
    boxes = await t.page.evaluate(MENU_BOXES)
    width = await t.page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"], f"{t.page.url} is {width} px wide at {size['width']} px"
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= size["width"], f"{box['href']} is off the screen"
        # one line of 16 px text (line-height 1.5): an entry squeezed to a character a line is not
        assert box["bottom"] - box["top"] <= 32, f"{box['href']} breaks over lines at {size['width']} px"
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            apart = (
                one["right"] <= other["left"] + 0.5
                or other["right"] <= one["left"] + 0.5
                or one["bottom"] <= other["top"] + 0.5
                or other["bottom"] <= one["top"] + 0.5
            )
            assert apart, f"{one['href']} and {other['href']} overlap at {size['width']} px"
    return [
        box["href"]
        for box in boxes
        if box["href"].startswith("/console/")
        and box["href"] != "/console/account/password"
        and "lang=" not in box["href"]  # the language link names the page it is on
    ]


@pytest.mark.parametrize(
    ("role", "county", "lang"),
    [
        (AdminRole.county_admin, "临河区", "zh"),
        (AdminRole.city_institute, None, "zh"),
        (AdminRole.county_admin, "临河区", "en"),
    ],
)
async def test_the_menu_fits_a_phone_and_a_desk_on_every_page_it_opens(
    base: str,  # noqa: F811
    uow_factory: UowFactory,
    role: AdminRole,
    county: str | None,
    lang: str,
) -> None:
    await build_world(uow_factory)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
    await console_user(uow_factory, "赵主任", role, county)
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        await log_in(t, name="赵主任")
        await t.page.wait_for_url(f"{base}/console/")
        await t.go(f"/console/?lang={lang}")  # kept in a cookie for the pages after
        menu = await _menu_holds(t, SIZES[0])
        assert len(menu) >= 8, menu
        for path in menu:
            await t.go(path)
            for size in SIZES:
                assert await _menu_holds(t, size) == menu, f"the menu changed on {path}"
            current = await t.page.locator("nav a[aria-current=page]").get_attribute("href")
            assert current == path, f"{path} marks {current} as the current page"
