"""The desk and the registry in a real browser (headless Chromium, as tests/console/test_browser.py):
a county administrator approves an expert's advisory (the bot's pump then sends it to the farmer),
resolves a complaint, works the experts' registry (a refused import shows its rows); the city
institute keeps the term lists; a user changes their password. Any browser console error fails."""

from __future__ import annotations

from playwright.async_api import FilePayload
from sqlalchemy import select

from core.feedback import complain, rate
from storage.enums import AdminRole, AdvisoryStatus, ComplaintStatus, RequestStatus
from storage.models import Advisory, Complaint, Expert, Farmer
from tests import factories as make
from tests.admin_api.test_advisory_desk import _expert_publishes
from tests.bot.conftest import FARMER, FARMER_PHONE, catalog, deps, harness, nlu_engine, screener
from tests.bot.harness import Harness, texts
from tests.console.browser import chromium, tab
from tests.console.conftest import console_user
from tests.console.test_browser import base, log_in

__all__ = ["base", "catalog", "deps", "harness", "nlu_engine", "screener"]  # fixtures, used by name


async def farmers_complaint(h: Harness) -> int:
    """王二牛's complaint about a completed service by 王建国 he rated 2 stars."""
    async with h.deps.uow() as uow:
        farmer = await uow.session.scalar(select(Farmer).where(Farmer.telegram_user_id == FARMER))
        expert = await uow.session.scalar(select(Expert.id).where(Expert.name == "王建国"))
        assert farmer is not None and expert is not None
        request = await make.service_request(uow, farmer, status=RequestStatus.completed, expert_id=expert)
        await uow.commit()
        farmer_id, request_id = farmer.id, request.id
    async with h.deps.uow() as uow:
        await rate(uow, request_id=request_id, farmer_id=farmer_id, stars=2, comment="来得太晚")
    async with h.deps.uow() as uow:
        made = await complain(
            uow, request_id=request_id, farmer_id=farmer_id, text="专家迟到两天，没解决问题"
        )
        return made.id


async def test_approve_an_advisory_and_resolve_a_complaint(harness: Harness, base: str) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)  # 王二牛, 临河区, grows 向日葵, advisories on
    advisory_id = await _expert_publishes(h, "向日葵螟预警\n近期虫害加重，注意诱杀", "向日葵")
    complaint_id = await farmers_complaint(h)
    await console_user(h.deps.uow, "赵主任", AdminRole.county_admin, "临河区")
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        await log_in(t, name="赵主任")
        await t.page.wait_for_url(f"{base}/console/")
        await t.page.click("nav a[href='/console/advisories']")
        await t.page.click(f"a[href='/console/advisories/{advisory_id}']")
        await t.page.wait_for_url(f"{base}/console/advisories/{advisory_id}")
        assert "近期虫害加重" in await t.page.inner_text("p.text")
        await t.shot("advisory")
        await t.page.click("#approve")
        await t.page.wait_for_url(f"{base}/console/advisories/{advisory_id}?done=approved")
        assert "机器人正在推送" in await t.page.inner_text("p.notice")
        assert await t.page.locator("#approve").count() == 0

        await t.page.click("nav a[href='/console/complaints']")
        await t.page.click(f"a[href='/console/complaints/{complaint_id}']")
        await t.page.wait_for_url(f"{base}/console/complaints/{complaint_id}")
        assert "专家迟到两天" in await t.page.inner_text("main")
        await t.page.check("input[name=verdict][value=verified]")
        await t.page.fill("#note", "回访核实：专家确实迟到")
        await t.shot("complaint")
        await t.page.click("#resolve")
        await t.page.wait_for_url(f"{base}/console/complaints/{complaint_id}?done=resolved")
        assert "投诉已处理" in await t.page.inner_text("p.notice")
        assert "回访核实：专家确实迟到" in await t.page.inner_text("main")

    pushed = await h.pump()  # the bot's own pump sends the approved advisory, as in `jingfu run`
    assert any("向日葵螟预警" in text for text in texts(pushed, FARMER))
    async with h.deps.uow() as uow:
        advisory = await uow.session.get(Advisory, advisory_id)
        complaint = await uow.session.get(Complaint, complaint_id)
        assert advisory is not None and advisory.status in (AdvisoryStatus.approved, AdvisoryStatus.sent)
        assert complaint is not None and complaint.status is ComplaintStatus.verified


BAD_IMPORT = (
    "姓名,手机号,职称,副高及以上,专业,认定日期\n赵新,110,农艺师,否,plant_protection,2026-01-05\n".encode()
)


async def test_the_registry_terms_and_password_pages(harness: Harness, base: str) -> None:
    h = harness
    await console_user(h.deps.uow, "赵主任", AdminRole.county_admin, "临河区")
    await console_user(h.deps.uow, "周所长", AdminRole.city_institute)
    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        await log_in(t, name="赵主任")
        await t.page.wait_for_url(f"{base}/console/")
        await t.page.click("nav a[href='/console/experts']")
        await t.page.wait_for_url(f"{base}/console/experts")
        assert "王建国" in await t.page.inner_text("table")
        await t.shot("experts")
        await t.page.click("table a:text('王建国')")
        await t.page.wait_for_selector("h1:has-text('王建国')")
        await t.shot("expert")
        await t.page.click("dd a[href^='/console/teams/']")
        await t.page.wait_for_selector("p.notice:has-text('符合第七条要求')")
        await t.shot("team")
        await t.go("/console/experts/new")
        await t.page.fill("input[name=name]", "赵新")
        await t.page.fill("input[name=phone]", "13912340001")
        await t.page.fill("input[name=title]", "农艺师")
        await t.page.check("input[name=specialties][value=plant_protection]")
        await t.shot("expert-form")
        await t.page.click("button[type=submit].primary")
        await t.page.wait_for_selector("p.notice:has-text('已认定专家')")

        await t.go("/console/experts/import")
        await t.page.set_input_files(
            "input[type=file]", files=FilePayload(name="experts.csv", mimeType="text/csv", buffer=BAD_IMPORT)
        )
        t.expect_refusal(422)
        await t.page.click("form[enctype] button[type=submit]")
        await t.page.wait_for_selector("tr.row-error")
        assert "手机号" in await t.page.inner_text("tr.row-error")
        await t.shot("experts-import")

        await t.go("/console/account/password")
        await t.shot("password")

    async with chromium() as browser, tab(browser, base) as t:
        await t.go("/console/login")
        await log_in(t, name="周所长")
        await t.page.wait_for_url(f"{base}/console/")
        await t.page.click("nav a[href='/console/terms']")
        await t.page.fill("form[action$=add] input[name=term]", "代开发票")
        await t.page.fill("form[action$=add] input[name=category]", "fraud")
        await t.page.click("form[action$=add] button[type=submit]")
        await t.page.wait_for_url("**done=added**")
        assert "代开发票" in await t.page.inner_text("table")
        await t.shot("terms")
