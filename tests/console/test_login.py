"""Logging in to the console: a password checked against its argon2 hash, a session cookie that
scripts cannot read and other sites cannot send, a CSRF token on every form, attempts limited."""

from __future__ import annotations

import re
from collections.abc import Callable

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from storage.enums import AdminRole
from storage.uow import UnitOfWork
from tests.console.conftest import PASSWORD, console_user
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} field"
    return found.group(1)


async def log_in(console: TestClient, name: str, password: str) -> tuple[int, str]:
    form = await console.get("/console/login")
    token = hidden(await form.text(), "csrf")
    answer = await console.post(
        "/console/login",
        data={"csrf": token, "name": name, "password": password, "next": ""},
        allow_redirects=False,
    )
    return answer.status, answer.headers.get("Location", "") or await answer.text()


async def test_a_reviewer_logs_in_and_the_cookie_is_guarded(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")

    form = await console.get("/console/login")
    csp = form.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    token = hidden(await form.text(), "csrf")
    answer = await console.post(
        "/console/login",
        data={"csrf": token, "name": "李审核", "password": PASSWORD},
        allow_redirects=False,
    )
    assert answer.status == 303 and answer.headers["Location"] == "/console/"
    cookie = answer.cookies["jf_console"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and not cookie["secure"]  # plain HTTP here
    queue = await console.get("/console/")
    assert queue.status == 200 and "李审核" in await queue.text()


async def test_a_wrong_password_and_an_unknown_name_are_refused_alike(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    wrong = await log_in(console, "李审核", PASSWORD + "x")
    unknown = await log_in(console, "王不在", PASSWORD)
    assert wrong[0] == unknown[0] == 401
    assert "用户名或密码不对" in wrong[1] and "用户名或密码不对" in unknown[1]
    assert (await console.get("/console/", allow_redirects=False)).status == 303  # still not signed in


async def test_log_in_attempts_are_limited_per_peer_whatever_x_forwarded_for_says(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    statuses = [(await log_in(console, "李审核", "guess"))[0] for _ in range(10)]
    assert statuses == [401] * 10
    form = await console.get("/console/login")
    token = hidden(await form.text(), "csrf")
    blocked = await console.post(
        "/console/login",
        data={"csrf": token, "name": "李审核", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"},
        allow_redirects=False,
    )
    assert blocked.status == 429 and blocked.headers["Retry-After"] == "900"


async def test_a_form_without_its_csrf_token_is_refused(console: TestClient, uow_factory: UowFactory) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    no_token = await console.post(
        "/console/login", data={"name": "李审核", "password": PASSWORD}, allow_redirects=False
    )
    assert no_token.status == 403
    assert (await log_in(console, "李审核", PASSWORD))[0] == 303
    logout = await console.post("/console/logout", data={"csrf": "forged"}, allow_redirects=False)
    assert logout.status == 403
    assert (await console.get("/console/", allow_redirects=False)).status == 200  # still signed in


async def test_the_proxy_header_makes_the_cookie_secure_only_when_trusted(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    form = await console.get("/console/login", headers={"X-Forwarded-Proto": "https"})
    assert not form.cookies["jf_login"]["secure"]  # the test app trusts no proxy


async def test_behind_a_trusted_tls_proxy_the_cookie_is_secure(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    app = create_admin_app(AdminServices(session_factory=session_factory, trust_proxy=True))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        behind = await client.get("/console/login", headers={"X-Forwarded-Proto": "https"})
        assert behind.cookies["jf_login"]["secure"]
        plain = await client.get("/console/login")
        assert not plain.cookies["jf_login"]["secure"]
