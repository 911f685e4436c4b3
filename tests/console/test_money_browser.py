"""The money pages in a real browser (Debian's headless Chromium): a county administrator issues a batch
(form → preview → confirm, clicked twice and confirmed again after going back: issued once), reads the
balances and a ledger, adjusts an account, reconciles, confirms and pays a statement; the city bureau
sets a fee. On a 375-pixel phone no page is wider than the screen (wide tables scroll in their box).
Any browser console error fails a test; screenshots into docs/console/ with JINGFU_SCREENSHOTS=1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import ViewportSize
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from core.budget import LOCAL_TZ
from storage.enums import AdminRole, ServiceMode
from storage.models import FeeScheduleEntry, LedgerEntry, VoucherAccount, VoucherBatch
from storage.uow import UnitOfWork
from tests.console.browser import Tab, chromium, tab
from tests.console.conftest import console_user
from tests.console.test_browser import log_in
from tests.console.test_money_pages import LAST_YEAR, households, served_in_july

UowFactory = Callable[[], UnitOfWork]
PHONE = ViewportSize(width=375, height=812)


@pytest.fixture
async def base(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[str]:
    server = TestServer(create_admin_app(AdminServices(session_factory=session_factory)), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def fits_a_phone(t: Tab) -> None:
    """At 375 px the page itself never scrolls sideways; a wide table scrolls inside its own box."""
    await t.page.set_viewport_size(PHONE)
    width = await t.page.evaluate("document.documentElement.scrollWidth")
    await t.page.set_viewport_size(ViewportSize(width=1280, height=800))
    assert width <= 375, f"{t.page.url} is {width} px wide on a phone"


async def signed_in(t: Tab, base: str, name: str, path: str) -> None:
    """Logged in as `name`, then to `path` by the menu."""
    await t.go("/console/login")
    await log_in(t, name=name)
    await t.page.wait_for_url(f"{base}/console/")
    await t.page.click(f"nav a[href='{path}']")
    await t.page.wait_for_url(f"{base}{path}")


async def test_a_county_admin_issues_once_reads_adjusts_reconciles_and_reimburses(
    base: str, uow_factory: UowFactory
) -> None:
    _, expert_id, _ = await served_in_july(uow_factory)
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    ours = await households(uow_factory, "临河区")
    async with chromium() as browser, tab(browser, base) as t:
        await signed_in(t, base, "赵主任", "/console/vouchers")
        assert await t.page.locator("tr[data-account]").count() >= 1
        await fits_a_phone(t)
        await t.shot("vouchers")

        await t.page.click("a[href='/console/vouchers/issue']")
        await t.page.select_option("select[name=kind]", "household")
        await t.page.fill("input[name=amount]", "88.8")
        await t.page.fill("input[name=year]", str(LAST_YEAR))
        await t.shot("voucher-issue")
        await t.page.click("#preview")
        await t.page.wait_for_url(f"{base}/console/vouchers/issue/preview")
        assert await t.page.inner_text("#accounts") == str(len(ours))
        assert (
            await t.page.inner_text("#total") == f"¥{88_80 * len(ours) // 100}.{88_80 * len(ours) % 100:02d}"
        )
        await fits_a_phone(t)
        await t.shot("voucher-preview")

        confirmation = await t.page.eval_on_selector(
            "#confirm-form", "f => Object.fromEntries(new FormData(f).entries())"
        )
        await t.page.dblclick("#confirm")  # an impatient double click
        await t.page.wait_for_selector("p.notice")
        await t.page.wait_for_load_state()
        await t.shot("voucher-issued")
        # The same confirmation posted again (a reload that resends it, a second tab), same cookies.
        again = await t.page.request.post(f"{base}/console/vouchers/issue", form=confirmation)
        assert again.status == 200 and "这一批此前已经发放，本次未重复发放" in await again.text()

        await t.page.click(f"a[href='/console/vouchers?year={LAST_YEAR}']")
        await t.page.wait_for_url(f"**/console/vouchers?year={LAST_YEAR}")
        await t.page.locator("tr[data-account] a").first.click()
        await t.page.wait_for_url("**/console/vouchers/accounts/*")
        assert await t.page.inner_text("#available") == "¥88.80"
        await t.page.fill("input[name=delta]", "-8.8")
        await t.page.fill("textarea[name=reason]", "按花名册核减")
        await t.page.click("#adjust")
        await t.page.wait_for_url("**done=adjusted")
        assert await t.page.inner_text("#available") == "¥80.00"
        await fits_a_phone(t)
        await t.shot("voucher-ledger")

        await t.go("/console/vouchers/reconciliation")
        assert "不一致 0" in await t.page.inner_text("#reconciled")
        await t.shot("voucher-reconciliation")

        await t.page.click("nav a[href='/console/statements']")
        await t.page.fill("input[name=period]", "2026-07")
        await t.page.click("form.filters button[type=submit]")
        await t.page.wait_for_url("**period=2026-07")
        assert await t.page.inner_text("#grand-total") == "¥130.00"
        row = t.page.locator(f"tr[data-expert='{expert_id}']")
        await row.locator("button").click()
        await t.page.wait_for_url("**done=confirmed**")
        await fits_a_phone(t)
        await t.shot("statements")
        await row.locator("button").click()
        await t.page.wait_for_url("**done=paid**")
        assert "已支付" in await row.inner_text()

    async with uow_factory() as uow:
        batches = await uow.session.scalar(
            select(func.count()).select_from(VoucherBatch).where(VoucherBatch.budget_year == LAST_YEAR)
        )
        entries = await uow.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.budget_year == LAST_YEAR)
        )
        total = await uow.session.scalar(
            select(func.sum(VoucherAccount.available_fen)).where(VoucherAccount.budget_year == LAST_YEAR)
        )
    assert (batches, entries) == (1, len(ours) + 1), "one batch, one issue per account, one adjustment"
    assert total == 88_80 * len(ours) - 8_80


async def test_the_city_bureau_sets_a_fee_from_a_date(base: str, uow_factory: UowFactory) -> None:
    await served_in_july(uow_factory)
    await console_user(uow_factory, "钱局长", AdminRole.city_bureau)
    starts = (datetime.now(UTC) + timedelta(days=10)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT08:00")
    async with chromium() as browser, tab(browser, base) as t:
        await signed_in(t, base, "钱局长", "/console/fees")
        await t.page.select_option("select[name=mode]", ServiceMode.video.value)
        await t.page.fill("input[name=fee]", "120.50")
        await t.page.fill("input[name=effective_from]", starts)
        await t.page.click("#set-fee")
        await t.page.wait_for_url("**done=set")
        assert "¥120.50" in await t.page.inner_text("table")
        await fits_a_phone(t)
        await t.shot("fees")
    async with uow_factory() as uow:
        entry = await uow.session.scalar(select(FeeScheduleEntry).where(FeeScheduleEntry.fee_fen == 12_050))
    assert entry is not None and entry.service_mode is ServiceMode.video
    assert entry.effective_from.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M") == starts
