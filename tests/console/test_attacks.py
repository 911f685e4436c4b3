"""The console as an attacker tries it over aiohttp's client: a log-in that leads elsewhere, a
session planted or kept across a log-in, a log-out by a link, another county's object named in a
form's field, and a template that would need the CSP relaxed."""

from __future__ import annotations

import re
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from admin_api.app import create_admin_app
from admin_api.console import console_app
from admin_api.services import AdminServices
from core.seed.demo_queue import seed_demo_queue
from storage.enums import AdminRole
from storage.models import (
    AuditLog,
    Expert,
    Farmer,
    FeeScheduleEntry,
    LedgerEntry,
    ServiceObject,
    TermEntry,
    Township,
)
from storage.models.admin import ReviewNote
from storage.uow import UnitOfWork
from tests.console.conftest import PASSWORD, console_user
from tests.console.test_garbage_matrix import field_names, filled, routes
from tests.console.test_login import hidden
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
TEMPLATES = Path(console_app.__code__.co_filename).parent / "templates"


async def _log_in(console: TestClient, name: str, next_: str = "") -> str:
    html = await (await console.get("/console/login")).text()
    token = hidden(html[html.index('action="/console/login"') :], "csrf")  # not the log-out form's
    answer = await console.post(
        "/console/login",
        data={"csrf": token, "name": name, "password": PASSWORD, "next": next_},
        allow_redirects=False,
    )
    assert answer.status == 303, await answer.text()
    return answer.headers["Location"]


def _session_key(console: TestClient) -> str:
    [key] = [c.value for c in console.session.cookie_jar if c.key == "jf_console"]
    return key


def _send_session(console: TestClient, key: str) -> None:
    """The browser sends `key` as its console session (a planted cookie, or one kept from before)."""
    cookie: SimpleCookie = SimpleCookie()
    cookie["jf_console"] = key
    cookie["jf_console"]["path"] = "/console"
    console.session.cookie_jar.update_cookies(cookie, console.make_url("/"))


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/console/",
        "/\\evil.example",
        "/console/\\\\evil.example",
        "/console/\r\nSet-Cookie: jf_console=planted",
        "javascript:alert(1)",
        "/console/../../evil",
    ],
)
async def test_a_log_in_never_leads_off_the_console(
    console: TestClient, uow_factory: UowFactory, target: str
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    location = await _log_in(console, "李审核", target)
    assert location.startswith("/console/") and not location.startswith("//")
    assert "\r" not in location and "\n" not in location and "\\" not in location and ".." not in location


async def test_a_log_in_gives_a_new_session_and_ends_the_one_the_browser_had(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    await console_user(uow_factory, "张审核", AdminRole.county_reviewer, "临河区")
    _send_session(console, "planted-by-someone")
    await _log_in(console, "李审核")
    first = _session_key(console)
    assert first != "planted-by-someone"
    await _log_in(console, "张审核")  # another person at the same browser
    second = _session_key(console)
    assert second != first
    _send_session(console, first)
    answer = await console.get("/console/", allow_redirects=False)
    assert answer.status == 303 and answer.headers["Location"].startswith("/console/login")


async def test_log_out_is_a_post_with_its_token(console: TestClient, uow_factory: UowFactory) -> None:
    await build_world(uow_factory)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    await _log_in(console, "李审核")
    assert (await console.get("/console/logout", allow_redirects=False)).status == 405
    assert (await console.post("/console/logout", data={}, allow_redirects=False)).status == 403
    queue = await console.get("/console/", allow_redirects=False)
    assert queue.status == 200, "a link or a form from elsewhere logs nobody out"
    key = _session_key(console)
    token = hidden(await queue.text(), "csrf")
    assert (await console.post("/console/logout", data={"csrf": token}, allow_redirects=False)).status == 303
    _send_session(console, key)
    assert (await console.get("/console/", allow_redirects=False)).status == 303


async def test_another_countys_id_in_a_forms_field_certifies_nobody(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    await _log_in(console, "赵主任")
    token = hidden(await (await console.get("/console/experts/new")).text(), "csrf")
    async with uow_factory() as uow:
        before = await uow.session.scalar(select(func.count()).select_from(Expert))
    typed = {
        "csrf": token,
        "name": "外县专家",
        "phone": "13900000000",
        "title": "农艺师",
        "organisation": "某站",
        "specialties": "plant_protection",
        "certified_on": "2026-01-01",
        "county_id": str(world.other_county_id),
    }
    answer = await console.post("/console/experts/new", data=typed, allow_redirects=False)
    assert answer.status in (403, 404), await answer.text()
    upload = FormData()
    upload.add_field("csrf", token)
    upload.add_field("county_id", str(world.other_county_id))
    upload.add_field(
        "file", "姓名,电话\n外县专家,13900000001\n".encode(), filename="x.csv", content_type="text/csv"
    )
    answer = await console.post("/console/experts/import", data=upload, allow_redirects=False)
    assert answer.status in (403, 404, 422), await answer.text()
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Expert)) == before


def test_no_template_needs_the_csp_relaxed() -> None:
    # The CSP allows this origin's files only: an inline script, style or handler would not run.
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
    found = {
        template.name: inline.findall(template.read_text(encoding="utf-8"))
        for template in TEMPLATES.glob("*.html")
    }
    assert not {name: hits for name, hits in found.items() if hits}


@pytest.mark.parametrize(
    ("role", "county"), [(AdminRole.county_admin, "临河区"), (AdminRole.city_institute, None)]
)
async def test_every_form_without_its_token_is_refused_before_it_does_anything(
    console: TestClient, uow_factory: UowFactory, role: AdminRole, county: str | None
) -> None:
    # Walked from the route table, so a new form cannot skip the check: each POST gets a form a
    # person could have filled (ids of objects that exist), with a wrong token or none: 403, and
    # neither the audit log nor any row moves.
    await build_world(uow_factory)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
    await console_user(uow_factory, "赵主任", role, county)
    await _log_in(console, "赵主任")
    plausible = {name: "1" for name in field_names()} | {"reason": "重复提交", "amount": "10", "year": "2026"}
    before = await _counts(uow_factory)
    posts = [path for method, path in routes() if method == "POST"] + ["/logout"]
    for path in posts:
        for token in ({}, {"csrf": "forged"}):
            answer = await console.post(filled(path, "1"), data=plausible | token, allow_redirects=False)
            assert answer.status == 403, f"{path} {token}: {answer.status}"
    assert await _counts(uow_factory) == before
    assert (await console.get("/console/", allow_redirects=False)).status == 200, "still signed in"


async def _counts(uow_factory: UowFactory) -> dict[str, int | None]:
    async with uow_factory() as uow:
        return {
            model.__name__: await uow.session.scalar(select(func.count()).select_from(model))
            for model in (AuditLog, Expert, LedgerEntry, TermEntry, ReviewNote, FeeScheduleEntry)
        }


async def test_another_countys_ids_and_names_in_any_query_show_nothing_of_it(
    console: TestClient, uow_factory: UowFactory
) -> None:
    # Every page without a path id, walked from the route table, with every parameter naming the
    # other county (its id, its name, its townships, experts, service objects): a county
    # administrator of 临河区 sees nothing of 五原县's people and objects, whatever the address says.
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
        theirs = world.other_county_id
        names: set[str] = set()
        ids: set[str] = {str(theirs), str(world.other_county_expert_id)}
        for model in (Expert, ServiceObject, Farmer, Township):
            rows = (await uow.session.execute(select(model.id, model.name, model.county_id))).all()
            ours = {name for _id, name, county in rows if county != theirs}
            names |= {name for _id, name, county in rows if county == theirs and name not in ours}
            ids |= {str(i) for i, _name, county in rows if county == theirs}
    assert names, "the other county has people and objects to hide"
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    await _log_in(console, "赵主任")
    values = [*sorted(ids, key=int)[:12], "五原县", *sorted(names)[:4]]
    pages = [path for method, path in routes() if method == "GET" and "{" not in path]
    for path in pages:
        for value in values:
            answer = await console.get(
                "/console" + path, params=[(n, value) for n in field_names() if n != "lang"]
            )
            shown = await answer.text()
            leaked = sorted(name for name in names if name in shown and name not in value)  # not an echo
            assert not leaked, f"{path} with {value!r} shows {leaked}"


async def test_a_failure_of_the_server_is_a_page_a_person_reads(tmp_path: Path) -> None:
    # A real failure: the database file cannot be opened (its folder does not exist).
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'jingfu.db'}")
    app = create_admin_app(AdminServices(session_factory=async_sessionmaker(engine)))
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as console:
            html = await (await console.get("/console/login")).text()
            token = hidden(html, "csrf")
            answer = await console.post(
                "/console/login", data={"csrf": token, "name": "李审核", "password": PASSWORD}
            )
            shown = await answer.text()
            assert answer.status == 500 and answer.content_type == "text/html"
            assert "服务器出错" in shown and "Traceback" not in shown and "sqlite" not in shown.lower()
            assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    finally:
        await engine.dispose()
