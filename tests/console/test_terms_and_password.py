"""The screening term lists in the console (read by every role, edited by the city institute: add one,
import many all-or-none, remove) and a console user changing their own password."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core import console_users
from storage.enums import AdminRole
from storage.models import AuditLog, TermEntry
from storage.uow import UnitOfWork
from tests.console.conftest import PASSWORD
from tests.console.test_desk_pages import csrf_of, signed_in
from tests.console.test_login import hidden, log_in
from tests.console.test_queue_pages import MARKUP
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


async def listed(uow_factory: UowFactory, name: str) -> list[tuple[str, str]]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(TermEntry).where(TermEntry.list_name == name).order_by(TermEntry.id)
        )
        return [(e.term, e.category) for e in rows.all()]


async def test_the_city_institute_adds_imports_and_removes_terms(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, "周所长", AdminRole.city_institute, None)
    page = await (await console.get("/console/terms?list=banned")).text()
    token = hidden(page, "csrf")

    forged = await console.post(
        "/console/terms/add", data={"list": "banned", "term": "代开发票"}, allow_redirects=False
    )
    assert forged.status == 403 and await listed(uow_factory, "banned") == []
    added = await console.post(
        "/console/terms/add",
        data={"csrf": token, "list": "banned", "term": MARKUP, "category": "fraud"},
        allow_redirects=False,
    )
    assert added.status == 303 and added.headers["Location"] == "/console/terms?list=banned&done=added"
    shown = await (await console.get(added.headers["Location"])).text()
    assert "&lt;script&gt;alert" in shown and "<script>alert" not in shown

    lines = "代开发票, fraud\n\n  高利贷  \n" + MARKUP  # the last is on the list already
    refused = await console.post(
        "/console/terms/import", data={"csrf": token, "list": "banned", "lines": lines}
    )
    text = await refused.text()
    assert refused.status == 422 and "already on the banned list" in text
    assert "代开发票, fraud" in text  # the lines typed are kept to correct
    assert await listed(uow_factory, "banned") == [(MARKUP, "fraud")]
    done = await console.post(
        "/console/terms/import", data={"csrf": token, "list": "banned", "lines": "代开发票, fraud\n高利贷"}
    )
    assert done.status == 200
    assert await listed(uow_factory, "banned") == [
        (MARKUP, "fraud"),
        ("代开发票", "fraud"),
        ("高利贷", "banned"),
    ]

    async with uow_factory() as uow:
        entry_id = await uow.session.scalar(select(TermEntry.id).where(TermEntry.term == "高利贷"))
    forged_remove = await console.post(f"/console/terms/{entry_id}/remove", data={}, allow_redirects=False)
    assert forged_remove.status == 403 and len(await listed(uow_factory, "banned")) == 3
    removed = await console.post(f"/console/terms/{entry_id}/remove", data={"csrf": token, "list": "banned"})
    assert removed.status == 200 and len(await listed(uow_factory, "banned")) == 2


async def test_a_county_reviewer_reads_the_lists_and_may_not_edit(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    queue = await (await console.get("/console/")).text()
    assert 'href="/console/terms"' in queue
    page = await (await console.get("/console/terms")).text()
    assert 'action="/console/terms/add"' not in page
    refused = await console.post(
        "/console/terms/add", data={"csrf": hidden(page, "csrf"), "list": "banned", "term": "高利贷"}
    )
    assert refused.status == 403 and await listed(uow_factory, "banned") == []


async def test_a_user_changes_their_password_and_logs_in_with_the_new_one(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    elsewhere = next(c.value for c in console.session.cookie_jar if c.key == "jf_console")  # another device
    console.session.cookie_jar.clear()
    assert (await log_in(console, "李审核", PASSWORD))[0] == 303
    token = await csrf_of(console, "/console/account/password")
    path = "/console/account/password"
    new = "黄河远上白云间-2027"

    forged = await console.post(
        path, data={"current": PASSWORD, "new": new, "repeated": new}, allow_redirects=False
    )
    assert forged.status == 403
    wrong = await console.post(
        path, data={"csrf": token, "current": "猜的密码1234", "new": new, "repeated": new}
    )
    assert wrong.status == 422 and "当前密码不对" in await wrong.text()
    differ = await console.post(
        path, data={"csrf": token, "current": PASSWORD, "new": new, "repeated": new + "x"}
    )
    assert differ.status == 422 and "两次输入的新密码不一致" in await differ.text()
    short = await console.post(
        path, data={"csrf": token, "current": PASSWORD, "new": "短密码", "repeated": "短密码"}
    )
    assert short.status == 422 and "至少 10 个字符" in await short.text()
    async with uow_factory() as uow:
        assert await console_users.log_in(uow, "李审核", PASSWORD) is not None  # nothing changed yet

    changed = await console.post(path, data={"csrf": token, "current": PASSWORD, "new": new, "repeated": new})
    assert changed.status == 200 and "密码已修改" in await changed.text()
    assert (await console.get("/console/", allow_redirects=False)).status == 200  # this session goes on
    console.session.cookie_jar.clear()
    console.session.cookie_jar.update_cookies({"jf_console": elsewhere}, console.make_url("/console/"))
    assert (await console.get("/console/", allow_redirects=False)).status == 303  # the other one ended
    console.session.cookie_jar.clear()
    assert (await log_in(console, "李审核", PASSWORD))[0] == 401
    assert (await log_in(console, "李审核", new))[0] == 303
    async with uow_factory() as uow:
        entry = await uow.session.scalar(select(AuditLog).where(AuditLog.action == "console_user.password"))
        assert entry is not None and new not in str(entry.detail)  # recorded, never the password
