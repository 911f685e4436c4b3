"""The header's 中文 / English link, from every page the console renders (walked from the route
table): it opens the same page in the other language with its filters kept, and from a page a
form's post rendered (a refused form, a preview) it opens a page, never "method not allowed"."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from aiohttp.test_utils import TestClient

from core.seed.demo_queue import seed_demo_queue
from storage.enums import AdminRole
from storage.uow import UnitOfWork
from tests.console.conftest import console_user
from tests.console.test_attacks import _log_in
from tests.console.test_garbage_matrix import filled, routes
from tests.console.test_login import hidden
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
LINK = re.compile(r'<a href="([^"]*)" class="lang">')


def _link(html: str) -> str:
    found = LINK.search(html)
    assert found, "no language link"
    return found.group(1).replace("&amp;", "&")


async def test_the_language_link_keeps_the_page_and_its_filters(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    await _log_in(console, "赵主任")
    page = await console.get("/console/", params={"township": "狼山镇", "overdue": "true"})
    link = _link(await page.text())
    parts = urlsplit(link)
    assert parts.path in ("", "/console/")
    assert dict(parse_qsl(parts.query)) == {"township": "狼山镇", "overdue": "true", "lang": "en"}
    english = await console.get("/console/" + ("?" + parts.query))
    assert english.status == 200 and 'lang="en"' in await english.text()
    assert dict(parse_qsl(urlsplit(_link(await english.text())).query))["lang"] == "zh"


async def test_from_a_page_a_form_rendered_the_language_link_opens_a_page(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    await _log_in(console, "赵主任")
    csrf = hidden(await (await console.get("/console/account/password")).text(), "csrf")
    failures = []
    for method, path in routes():
        if method != "POST":
            continue
        address = filled(path, "1")
        answer = await console.post(address, data={"csrf": csrf, "amount": "x"}, allow_redirects=False)
        if answer.status in (302, 303) or "text/html" not in answer.headers.get("Content-Type", ""):
            continue  # a redirect: the page after it is a GET page
        link = _link(await answer.text())
        target = link if link.startswith("/") else address + link
        followed = await console.get(target, allow_redirects=False)
        if followed.status in (405,) or followed.status >= 500:
            failures.append(f"{path}: {link} → {followed.status}")
    assert not failures, failures


async def test_an_address_that_is_no_page_is_said_in_the_users_language(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    await _log_in(console, "赵主任")
    missing = await console.get("/console/no-such-page")
    assert missing.status == 404 and "没有这个页面" in await missing.text()
    wrong_method = await console.get("/console/logout")
    assert wrong_method.status == 405 and "这个地址不能直接打开" in await wrong_method.text()
    csrf = hidden(await (await console.get("/console/experts/import")).text(), "csrf")
    big = await console.post(
        "/console/terms/import", data={"csrf": csrf, "list": "banned", "lines": "词\n" * 40_000}
    )
    assert big.status == 413 and "提交的内容太大" in await big.text()
    english = await console.get("/console/no-such-page?lang=en")
    assert "There is no such page" in await english.text()


async def test_a_form_posted_after_the_session_ended_leads_back_to_a_page_after_log_in(
    console: TestClient, uow_factory: UowFactory
) -> None:
    # Eight hours on, the reviewer presses 驳回 / 批准 / 保存: log in again, then a page, not a 405.
    await build_world(uow_factory)
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    targets = {}
    for method, path in routes():
        if method == "POST":
            answer = await console.post(filled(path, "1"), data={"reason": "x"}, allow_redirects=False)
            assert answer.status == 303 and answer.headers["Location"].startswith("/console/login")
            targets[path] = dict(parse_qsl(urlsplit(answer.headers["Location"]).query)).get("next", "")
    await _log_in(console, "赵主任")
    failures = []
    for path, next_ in targets.items():
        shown = await console.get(next_ or "/console/", allow_redirects=False)
        if shown.status == 405:
            failures.append(f"{path} → {next_}")
    assert not failures, failures
    # a browser names the page the form was on: that page, after log-in
    console.session.cookie_jar.clear()
    origin = str(console.make_url("")).rstrip("/")
    answer = await console.post(
        "/console/requests/1/reject",
        data={"reason": "x"},
        headers={"Referer": f"{origin}/console/requests/1"},
        allow_redirects=False,
    )
    assert dict(parse_qsl(urlsplit(answer.headers["Location"]).query))["next"] == "/console/requests/1"
    answer = await console.post(
        "/console/requests/1/reject",
        data={"reason": "x"},
        headers={"Referer": "https://evil.example/console/requests/1"},
        allow_redirects=False,
    )
    assert dict(parse_qsl(urlsplit(answer.headers["Location"]).query))["next"] == "/console/"
