"""The console's money pages over aiohttp's client: voucher balances and a ledger, issuing a batch
(form → preview → confirm → result, once however often it is posted), an adjustment, reconciliation,
reimbursement statements (confirm, pay, files) and the fee schedule; each refused to the wrong role,
county or a form without its CSRF token, and amounts typed in yuan kept exact to the fen."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from admin_api.console import vouchers
from core.budget import LOCAL_TZ
from storage.enums import AdminRole, ServiceMode
from storage.models import AuditLog, County, FeeScheduleEntry, LedgerEntry, ServiceObject, VoucherAccount
from storage.uow import UnitOfWork
from tests.admin_api.test_reimbursements import _served
from tests.admin_api.test_voucher_desk import _households as households
from tests.console.conftest import PASSWORD, console_user
from tests.console.test_login import hidden, log_in
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]
LAST_YEAR = 2025  # the demo's vouchers are 2026's: 2025 starts empty


async def signed_in(
    console: TestClient, uow_factory: UowFactory, role: AdminRole, county: str | None
) -> None:
    name = f"{role.value}-{county or 'city'}"
    await console_user(uow_factory, name, role, county)
    console.session.cookie_jar.clear()  # whoever was signed in before leaves
    assert (await log_in(console, name, PASSWORD))[0] == 303


async def csrf(console: TestClient, path: str = "/console/vouchers") -> str:
    return hidden(await (await console.get(path)).text(), "csrf")


async def issued(uow_factory: UowFactory, year: int) -> list[tuple[int, int]]:
    """(service object, available fen) of every account of the year, and no more ledger rows."""
    async with uow_factory() as uow:
        rows = (
            await uow.session.execute(
                select(VoucherAccount.service_object_id, VoucherAccount.available_fen)
                .where(VoucherAccount.budget_year == year)
                .order_by(VoucherAccount.service_object_id)
            )
        ).all()
        entries = await uow.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.budget_year == year)
        )
    assert entries == len(rows), "one issue per account"
    return [(a, b) for a, b in rows]


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert found, f"no #{element_id}"
    return found.group(1).strip()


async def test_a_batch_is_previewed_then_issued_once_however_often_it_is_confirmed(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    ours = await households(uow_factory, "临河区")
    form = await console.get("/console/vouchers/issue")
    assert form.status == 200 and 'action="/console/vouchers/issue/preview"' in await form.text()
    typed = {"kind": "household", "township": "", "ids": "", "amount": "123.45", "year": str(LAST_YEAR)}

    preview = await console.post(
        "/console/vouchers/issue/preview", data={**typed, "csrf": hidden(await form.text(), "csrf")}
    )
    html = await preview.text()
    assert preview.status == 200
    assert text_of(html, "accounts") == str(len(ours))
    assert text_of(html, "total") == f"¥{123_45 * len(ours) // 100}.{123_45 * len(ours) % 100:02d}"
    assert await issued(uow_factory, LAST_YEAR) == [], "a preview writes nothing"

    confirm = {name: hidden(html, name) for name in ("csrf", "batch_key", *typed)}
    first = await console.post("/console/vouchers/issue", data=confirm)
    again = await console.post("/console/vouchers/issue", data=confirm)  # a double click, a reload
    assert first.status == again.status == 200
    first_html, again_html = await first.text(), await again.text()
    assert "已发放" in first_html and "本次未重复发放" not in first_html
    assert "这一批此前已经发放，本次未重复发放" in again_html
    assert text_of(again_html, "total") == text_of(first_html, "total")
    assert await issued(uow_factory, LAST_YEAR) == [(household, 12_345) for household in ours]
    async with uow_factory() as uow:
        batches = await uow.session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "vouchers.issue")
        )
    assert batches == 1

    balances = await (await console.get(f"/console/vouchers?year={LAST_YEAR}&kind=household")).text()
    assert balances.count("<tr data-account=") == len(ours)
    assert "¥123.45" in balances and "五原县" not in balances


async def test_two_confirmations_at_the_same_moment_issue_once(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    ours = await households(uow_factory, "临河区")
    typed = {"kind": "household", "township": "", "ids": "", "amount": "0.29", "year": str(LAST_YEAR)}
    preview = await console.post(
        "/console/vouchers/issue/preview", data={**typed, "csrf": await csrf(console)}
    )
    html = await preview.text()
    confirm = {name: hidden(html, name) for name in ("csrf", "batch_key", *typed)}
    answers = await asyncio.gather(*(console.post("/console/vouchers/issue", data=confirm) for _ in range(2)))
    assert [a.status for a in answers] == [200, 200]
    said = sorted(["本次未重复发放" in await a.text() for a in answers])
    assert said == [False, True], "one issued, the other answered the first batch"
    assert await issued(uow_factory, LAST_YEAR) == [(household, 29) for household in ours]


async def test_a_confirmation_without_its_token_issues_nothing(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    forged = {"kind": "household", "amount": "600", "year": str(LAST_YEAR), "batch_key": "forged"}
    answer = await console.post("/console/vouchers/issue", data=forged)
    assert answer.status == 403 and "表单已过期或来源不明" in await answer.text()
    assert await issued(uow_factory, LAST_YEAR) == []


async def test_a_bad_amount_is_named_and_the_form_keeps_what_was_typed(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    token = await csrf(console, "/console/vouchers/issue")
    typed = {"csrf": token, "kind": "park", "ids": "", "township": "", "amount": "12.345", "year": "2025"}
    answer = await console.post("/console/vouchers/issue/preview", data=typed)
    html = await answer.text()
    assert answer.status == 422 and "金额请写成元，最多两位小数" in html
    assert 'value="12.345"' in html and '<option value="park" selected>' in html
    other = await console.post(
        "/console/vouchers/issue/preview", data={**typed, "amount": "5", "ids": "7, x"}
    )
    assert other.status == 422 and "服务对象编号只能是数字" in await other.text()
    assert await issued(uow_factory, LAST_YEAR) == []


async def test_a_reviewer_reads_balances_but_is_refused_issuing_and_sees_no_money_menu(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_reviewer, "临河区")
    html = await (await console.get("/console/vouchers")).text()
    nav = html[html.index("<nav>") : html.index("</nav>")]
    assert 'href="/console/vouchers"' in nav and 'href="/console/fees"' in nav
    assert 'href="/console/statements"' not in nav and "/console/vouchers/issue" not in html
    typed = {"csrf": hidden(html, "csrf"), "kind": "household", "amount": "600", "year": "2025"}
    refused = await console.post("/console/vouchers/issue/preview", data=typed)
    assert refused.status == 403 and "issue_vouchers" in await refused.text()
    assert (await console.get("/console/statements")).status == 403
    assert await issued(uow_factory, LAST_YEAR) == []


async def test_another_countys_account_is_not_found_and_a_list_of_its_objects_issues_nothing(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    [theirs] = await households(uow_factory, "五原县")
    async with uow_factory() as uow:
        account = await uow.session.scalar(
            select(VoucherAccount.id).where(VoucherAccount.service_object_id == theirs)
        )
    assert (await console.get(f"/console/vouchers/accounts/{account}")).status == 404
    typed = {"csrf": await csrf(console), "ids": str(theirs), "amount": "1", "year": "2025"}
    answer = await console.post("/console/vouchers/issue/preview", data=typed)
    assert answer.status == 404 and f"service object {theirs} does not exist" in await answer.text()


async def test_a_county_admin_adjusts_an_account_exactly_with_a_reason(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    async with uow_factory() as uow:
        account = await uow.session.scalar(
            select(VoucherAccount).where(VoucherAccount.service_object_id == world.service_object_id)
        )
    assert account is not None
    page = f"/console/vouchers/accounts/{account.id}"
    token = await csrf(console, page)

    bare = await console.post(f"{page}/adjust", data={"csrf": token, "delta": "-12.34", "reason": " "})
    assert bare.status == 422 and 'value="-12.34"' in await bare.text()
    zero = await console.post(f"{page}/adjust", data={"csrf": token, "delta": "0", "reason": "核对"})
    assert zero.status == 422 and "不能为 0" in await zero.text()
    done = await console.post(
        f"{page}/adjust",
        data={"csrf": token, "delta": "-12.34", "reason": "重复发放更正"},
        allow_redirects=False,
    )
    assert done.status == 303 and done.headers["Location"] == f"{page}?done=adjusted"
    html = await (await console.get(done.headers["Location"])).text()
    after = account.available_fen - 1234
    assert text_of(html, "available") == f"¥{after // 100}.{after % 100:02d}"
    assert "重复发放更正" in html and "已调整余额" in html


async def test_the_city_institute_may_not_adjust_and_the_form_is_not_shown(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.city_institute, None)
    async with uow_factory() as uow:
        account = await uow.session.scalar(
            select(VoucherAccount).where(VoucherAccount.service_object_id == world.service_object_id)
        )
    assert account is not None
    page = f"/console/vouchers/accounts/{account.id}"
    html = await (await console.get(page)).text()
    assert "/adjust" not in html
    refused = await console.post(
        f"{page}/adjust", data={"csrf": hidden(html, "csrf"), "delta": "5", "reason": "试"}
    )
    assert refused.status == 403
    async with uow_factory() as uow:
        again = await uow.session.get(VoucherAccount, account.id)
        assert again is not None and again.available_fen == account.available_fen


async def test_reconciliation_checks_every_account_in_scope(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    async with uow_factory() as uow:
        ours = await uow.session.scalar(
            select(func.count())
            .select_from(VoucherAccount)
            .join(ServiceObject, ServiceObject.id == VoucherAccount.service_object_id)
            .join(County, County.id == ServiceObject.county_id)
            .where(County.name == "临河区")
        )
    html = await (await console.get("/console/vouchers/reconciliation")).text()
    assert text_of(html, "reconciled") == f"已核对账户 {ours} · 不一致 0"
    bad = await console.get("/console/vouchers/reconciliation?year=1999")
    assert bad.status == 200 and "year" in await bad.text()


async def served_in_july(uow_factory: UowFactory) -> tuple[World, int, list[int]]:
    world = await build_world(uow_factory)
    expert_id = world.experts["王建国"]
    ids = [
        await _served(
            uow_factory,
            world.farmer_id,
            expert_id,
            datetime(2026, 7, 3, 2, tzinfo=UTC),
            ServiceMode.online,
            3_001,
        ),
        await _served(
            uow_factory,
            world.farmer_id,
            expert_id,
            datetime(2026, 7, 9, 2, tzinfo=UTC),
            ServiceMode.video,
            9_999,
        ),
    ]
    return world, expert_id, ids


async def test_a_statement_is_confirmed_then_paid_and_downloaded_exactly(
    console: TestClient, uow_factory: UowFactory
) -> None:
    _, expert_id, _ = await served_in_july(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    html = await (await console.get("/console/statements?period=2026-07")).text()
    assert text_of(html, "grand-total") == "¥130.00" and "草稿" in html
    step = {"csrf": hidden(html, "csrf"), "expert_id": str(expert_id), "period": "2026-07"}

    forged = await console.post("/console/statements/confirm", data={**step, "csrf": ""})
    assert forged.status == 403
    confirmed = await console.post("/console/statements/confirm", data=step)
    html = await confirmed.text()
    assert confirmed.status == 200 and "已确认结算单" in html and 'action="/console/statements/pay"' in html
    twice = await console.post("/console/statements/confirm", data=step)
    assert twice.status == 409 and "already confirmed" in await twice.text()
    paid = await console.post("/console/statements/pay", data=step)
    html = await paid.text()
    assert "已标记支付" in html and "已支付" in html and "/console/statements/pay" not in html

    answer = await console.get("/console/statements/file?period=2026-07&format=csv")
    assert answer.status == 200 and answer.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO((await answer.read()).decode("utf-8-sig"))))
    assert [row[-1] for row in rows[1:]] == ["30.01", "99.99", "130.00"]
    xlsx = await console.get("/console/statements/file?period=2026-07&format=xlsx")
    assert xlsx.status == 200 and (await xlsx.read())[:2] == b"PK"
    async with uow_factory() as uow:
        steps = await uow.session.scalars(
            select(AuditLog.action).where(AuditLog.action.startswith("reimbursement.")).order_by(AuditLog.id)
        )
        assert steps.all() == ["reimbursement.confirmed", "reimbursement.paid"]


async def test_another_county_neither_sees_nor_confirms_a_statement(
    console: TestClient, uow_factory: UowFactory
) -> None:
    _, expert_id, _ = await served_in_july(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "五原县")
    html = await (await console.get("/console/statements?period=2026-07")).text()
    assert text_of(html, "grand-total") == "¥0.00" and "王建国" not in html
    step = {"csrf": hidden(html, "csrf"), "expert_id": str(expert_id), "period": "2026-07"}
    assert (await console.post("/console/statements/confirm", data=step)).status == 404
    bad = await console.get("/console/statements?period=2026-13")
    assert bad.status == 200 and "period" in await bad.text()


async def test_the_city_sets_a_fee_from_a_date_and_a_county_may_not(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.county_admin, "临河区")
    html = await (await console.get("/console/fees")).text()
    assert "¥50.00" in html and 'action="/console/fees"' not in html
    refused = await console.post(
        "/console/fees", data={"csrf": hidden(html, "csrf"), "mode": "video", "fee": "1"}
    )
    assert refused.status == 403

    await signed_in(console, uow_factory, AdminRole.city_bureau, None)
    html = await (await console.get("/console/fees")).text()
    token = hidden(html, "csrf")
    starts = (datetime.now(UTC) + timedelta(days=30)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT00:00")
    typed = {"csrf": token, "mode": "onsite_consult", "fee": "333.33", "effective_from": starts}
    assert (await console.post("/console/fees", data={**typed, "csrf": ""})).status == 403
    past = await console.post("/console/fees", data={**typed, "effective_from": "2020-01-01T00:00"})
    assert past.status == 422 and "Art. 15" in await past.text()
    odd = await console.post("/console/fees", data={**typed, "fee": "33.333"})
    assert odd.status == 422 and 'value="33.333"' in await odd.text()
    done = await console.post("/console/fees", data=typed)
    html = await done.text()
    assert done.status == 200 and "已保存新收费标准" in html and "¥333.33" in html
    async with uow_factory() as uow:
        entries = (
            await uow.session.scalars(select(FeeScheduleEntry).where(FeeScheduleEntry.fee_fen == 33_333))
        ).all()
        assert [(e.service_mode, e.fee_fen) for e in entries] == [(ServiceMode.onsite_consult, 33_333)]


async def test_every_money_page_reads_in_english(console: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.city_institute, None)
    async with uow_factory() as uow:
        account = await uow.session.scalar(
            select(VoucherAccount.id).where(VoucherAccount.service_object_id == world.service_object_id)
        )
    pages = {
        "/console/vouchers?lang=en": "Issue vouchers",
        f"/console/vouchers/accounts/{account}": "Ledger",
        "/console/vouchers/issue": "Amount per account (yuan)",
        "/console/vouchers/reconciliation": "Accounts checked",
        "/console/statements?period=2026": "Download CSV",
        "/console/fees": "On-site consultation",
    }
    for path, words in pages.items():
        answer = await console.get(path)
        html = await answer.text()
        assert answer.status == 200 and words in html, path
        assert 'href="/console/statements"' in html and "Statements" in html  # the menu, in English
    typed = {"csrf": await csrf(console), "kind": "unit", "amount": "3000", "year": str(LAST_YEAR)}
    preview = await (await console.post("/console/vouchers/issue/preview", data=typed)).text()
    assert "Confirm and issue" in preview and "Unit" in preview


async def test_balances_come_in_pages_that_keep_the_filters(
    console: TestClient, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, AdminRole.city_institute, None)
    monkeypatch.setattr(vouchers, "PAGE", 2)
    seen: list[str] = []
    path: str | None = "/console/vouchers?year=2026"
    while path is not None:
        html = await (await console.get(path)).text()
        seen += re.findall(r'<tr data-account="(\d+)"', html)
        more = re.search(r'<p class="more"><a href="([^"]+)"', html)
        path = None if more is None else more.group(1).replace("&amp;", "&")
        assert path is None or "year=2026" in path
    async with uow_factory() as uow:
        every = await uow.session.scalars(
            select(VoucherAccount.id).where(VoucherAccount.budget_year == 2026).order_by(VoucherAccount.id)
        )
        assert seen == [str(i) for i in every.all()] and len(seen) > 2
