"""A county reviewer works the queue in a real browser (headless Chromium): logs in, filters, claims,
opens a request, approves it (the bot's pump then tells the farmer) or rejects one with a common
reason; a wrong password and a form without its CSRF token are refused. Any browser console error
fails a test (a blocked script or style, a broken image, a script error)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from bot.deps import BotDeps
from core.seed.demo_queue import seed_demo_queue
from storage.enums import AdminRole, RequestStatus
from storage.models import RequestEvent, ServiceRequest
from tests.bot.conftest import FARMER, catalog, deps, harness, nlu_engine, screener
from tests.bot.harness import Harness, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit
from tests.console.browser import FakePhotos, Tab, chromium, tab
from tests.console.conftest import PASSWORD, console_user

__all__ = ["catalog", "deps", "harness", "nlu_engine", "screener"]  # the bot's fixtures, used by name


@pytest.fixture
async def base(deps: BotDeps, tmp_path: Path) -> AsyncIterator[str]:
    """The API and console composed as `jingfu run` composes them beside the bot (its session factory
    and clock), photos from a fake Bot API, served on a loopback port."""
    services = AdminServices(
        session_factory=deps.session_factory, clock=deps.clock, photos=FakePhotos(), photo_dir=tmp_path
    )
    server = TestServer(create_admin_app(services), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def queue_and_reviewer(deps: BotDeps) -> None:
    """The demo's waiting requests (two counties, some with photos, some flagged) and a reviewer."""
    async with deps.uow() as uow:
        await seed_demo_queue(uow, now=deps.clock())
    await console_user(deps.uow, "李审核", AdminRole.county_reviewer, "临河区")


async def log_in(t: Tab, name: str = "李审核", password: str = PASSWORD) -> None:
    await t.page.fill("input[name=name]", name)
    await t.page.fill("input[name=password]", password)
    await t.page.click("button[type=submit].primary")


async def status_of(deps: BotDeps, request_id: int) -> RequestStatus:
    async with deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None
        return request.status


async def test_log_in_filter_claim_approve_and_the_farmer_is_told(harness: Harness, base: str) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await console_user(h.deps.uow, "李审核", AdminRole.county_reviewer, "临河区")
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/")
        assert t.page.url.startswith(f"{base}/console/login")  # not signed in: sent to log in
        await t.shot("login")
        await log_in(t)
        await t.page.wait_for_url(f"{base}/console/")
        item = t.page.locator(f"li.item[data-id='{request_id}']")
        assert "王二牛" in await item.inner_text()

        await t.page.select_option("select[name=claimed]", "me")
        await t.page.click("form.filters button[type=submit]")
        await t.page.wait_for_url("**claimed=me**")
        assert await t.page.locator("li.item").count() == 0  # nothing claimed yet
        assert "没有符合条件的申请" in await t.page.inner_text("ul.queue")

        await t.go("/console/")
        await item.locator("button", has_text="认领").click()
        await t.page.wait_for_url(f"{base}/console/requests/{request_id}")
        await t.go("/console/?claimed=me")
        assert await t.page.locator("li.item").count() == 1
        await t.page.click(f"li.item[data-id='{request_id}'] a.id")
        await t.page.wait_for_url(f"{base}/console/requests/{request_id}")
        assert "葵花叶子发黄" in await t.page.inner_text("p.text")
        assert "李审核" in await t.page.inner_text("dl")  # the claim shown
        await t.page.click("#approve")
        await t.page.wait_for_url(f"{base}/console/?done=approved*")
        assert f"已通过申请 #{request_id}" in await t.page.inner_text("p.notice")

    assert await status_of(h.deps, request_id) is RequestStatus.approved
    pushed = await h.pump()  # the bot's own notifier pump, as in `jingfu run`
    assert any("已通过审核" in text for text in texts(pushed, FARMER))


async def test_reject_with_a_common_reason_photos_and_screening_shown(deps: BotDeps, base: str) -> None:
    await queue_and_reviewer(deps)
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        await log_in(t)
        await t.page.wait_for_url(f"{base}/console/")
        await t.shot("queue")
        await t.page.check("input[name=flagged]")
        await t.page.click("form.filters button[type=submit]")
        await t.page.wait_for_url("**flagged=true**")
        flagged = t.page.locator("li.item.flagged")
        assert await flagged.count() >= 1 and await t.page.locator("li.item:not(.flagged)").count() == 0
        request_id = int(await flagged.first.get_attribute("data-id") or 0)
        await flagged.first.locator("a.id").click()
        await t.page.wait_for_url(f"{base}/console/requests/{request_id}")
        assert await t.page.locator("p.text mark").count() >= 1  # screening's hit marked in the text
        for image in await t.page.locator(".photos img").all():
            assert await image.evaluate("img => img.complete && img.naturalWidth > 0")
        await t.shot("request")

        reason = "照片看不清，请重新拍摄后提交"
        await t.page.select_option("#preset", reason)
        assert await t.page.input_value("#reason") == reason  # console.js copied it, still editable
        await t.page.click("#reject")
        await t.page.wait_for_url(f"{base}/console/?done=rejected*")
        assert f"已驳回申请 #{request_id}" in await t.page.inner_text("p.notice")
        await t.shot("queue-after-decision")

    assert await status_of(deps, request_id) is RequestStatus.rejected
    async with deps.uow() as uow:
        reasons = await uow.session.scalars(
            select(RequestEvent.reason).where(
                RequestEvent.request_id == request_id, RequestEvent.reason.is_not(None)
            )
        )
        assert reason in reasons.all()


async def test_a_wrong_password_and_a_form_without_its_token_are_refused(deps: BotDeps, base: str) -> None:
    await queue_and_reviewer(deps)
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        t.expect_refusal(401)
        await log_in(t, password="不是这个密码")
        await t.page.wait_for_selector("p.alert")
        assert "用户名或密码不对" in await t.page.inner_text("p.alert")
        await t.shot("login-refused")
        await log_in(t)
        await t.page.wait_for_url(f"{base}/console/")
        request_id = int(await t.page.locator("li.item").first.get_attribute("data-id") or 0)
        await t.go(f"/console/requests/{request_id}")
        # The approve form, posted without the token it carries (as a forged cross-site form would be).
        await t.page.evaluate("document.querySelector('form[action$=approve] input[name=csrf]').remove()")
        t.expect_refusal(403)
        await t.page.click("#approve")
        await t.page.wait_for_selector("p.alert")
        assert "表单已过期或来源不明" in await t.page.inner_text("p.alert")
    assert await status_of(deps, request_id) is RequestStatus.pending_review


async def test_a_county_admin_reads_advisories_complaints_and_the_audit_log_in_english(
    deps: BotDeps, base: str
) -> None:
    await queue_and_reviewer(deps)
    await console_user(deps.uow, "赵主任", AdminRole.county_admin, "临河区")
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        await log_in(t, name="赵主任")
        await t.page.wait_for_url(f"{base}/console/")
        request_id = int(await t.page.locator("li.item").first.get_attribute("data-id") or 0)
        await t.go(f"/console/requests/{request_id}")
        await t.page.click("#approve")
        await t.page.wait_for_url(f"{base}/console/?done=approved*")

        await t.page.click("nav a[href='/console/advisories']")
        await t.page.wait_for_url(f"{base}/console/advisories")
        assert "农技推送" in await t.page.inner_text("h1")
        await t.shot("advisories")
        await t.page.click("nav a[href='/console/complaints']")
        await t.page.wait_for_url(f"{base}/console/complaints")
        await t.shot("complaints")
        await t.page.click("nav a[href='/console/audit']")
        await t.page.wait_for_url(f"{base}/console/audit")
        first = t.page.locator("tbody tr").first
        assert "request.approve" in await first.inner_text() and f"service_request {request_id}" in (
            await first.inner_text()
        )
        await t.shot("audit")

        await t.page.click("a.lang")  # English, kept in a cookie from now on
        assert "Audit log" in await t.page.inner_text("h1")
        await t.go("/console/")
        assert "Review queue" in await t.page.inner_text("nav")
        await t.shot("queue-english")


async def test_a_reviewer_sees_no_audit_log_in_the_menu_and_is_refused_it(deps: BotDeps, base: str) -> None:
    await queue_and_reviewer(deps)
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        await log_in(t)
        await t.page.wait_for_url(f"{base}/console/")
        assert await t.page.locator("nav a[href='/console/audit']").count() == 0
        t.expect_refusal(403)
        await t.go("/console/audit")
        assert "read_audit" in await t.page.inner_text("p.alert")
