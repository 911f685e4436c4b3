"""Experts' reimbursement statements (核销, Art. 15) over HTTP: per period, one line per captured
service, totals equal to the ledger's captures, as JSON, CSV and XLSX; confirmed, then paid, once.

An expert named `=HYPERLINK("http://x","y")` is text in both files, never a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from core import ledger
from core.actors import Actor
from storage.enums import AdminRole, LedgerKind, RequestStatus, ServiceMode
from storage.models import (
    AuditLog,
    Expert,
    Farmer,
    LedgerEntry,
    Reimbursement,
    ServiceObject,
    ServiceRequest,
    VoucherAccount,
)
from storage.uow import UnitOfWork
from tests import factories as make
from tests.admin_api.test_review_desk import token
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]
NAME = '=HYPERLINK("http://x","y")'
PLACE = "@SUM(1+1)*cmd|' /C calc'!A0"  # a service object's name as a DDE payload
MODE_NAMES = {
    "online": "线上解答",
    "video": "视频解答",
    "onsite_consult": "现场咨询",
    "onsite_training": "现场培训",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MID_SEPTEMBER = datetime(2026, 9, 15, 2, tzinfo=UTC)
NEW_YEAR_2027 = datetime(2027, 1, 5, 2, tzinfo=UTC)  # every period of 2026 has ended


async def _api_at(
    session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> AsyncIterator[TestClient]:
    app = create_admin_app(AdminServices(session_factory=session_factory, clock=lambda: now))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


@pytest.fixture
async def api_in_2027(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[TestClient]:
    async for client in _api_at(session_factory, NEW_YEAR_2027):
        yield client


@pytest.fixture
async def api_in_september(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[TestClient]:
    async for client in _api_at(session_factory, MID_SEPTEMBER):
        yield client


async def _served(
    uow_factory: UowFactory, farmer_id: int, expert_id: int, at: datetime, mode: ServiceMode, fee: int
) -> int:
    """A service delivered and captured as core.requests.complete does: hold, capture, credit."""
    async with uow_factory() as uow:
        farmer = await uow.session.get(Farmer, farmer_id)
        assert farmer is not None
        request = await make.service_request(
            uow,
            farmer,
            status=RequestStatus.settled,
            expert_id=expert_id,
            completed_at=at,
            delivered_mode=mode,
        )
        account = await uow.session.scalar(
            select(VoucherAccount).where(VoucherAccount.service_object_id == farmer.service_object_id)
        )
        assert account is not None
        await ledger.hold(uow, account, request.id, fee + 500, Actor.farmer(farmer_id))
        await ledger.capture(uow, request.id, fee, Actor.expert(expert_id))  # the rest is released
        uow.session.add(
            Reimbursement(
                expert_id=expert_id,
                request_id=request.id,
                county_id=farmer.county_id,
                budget_year=2026,
                amount_fen=fee,
            )
        )
        await uow.commit()
        return request.id


async def _world(uow_factory: UowFactory) -> tuple[World, int, list[int]]:
    world = await build_world(uow_factory)
    expert_id = world.experts["王建国"]
    async with uow_factory() as uow:
        expert = await uow.session.get(Expert, expert_id)
        assert expert is not None
        expert.name = NAME  # what a careless or hostile import could have typed
        farmer = await uow.session.get(Farmer, world.farmer_id)
        place = await uow.session.get(ServiceObject, world.service_object_id)
        assert farmer is not None and place is not None
        farmer.name, place.name = NAME, PLACE
        await uow.commit()
    q3 = [
        await _served(
            uow_factory,
            world.farmer_id,
            expert_id,
            datetime(2026, 7, 1, 1, tzinfo=UTC),
            ServiceMode.online,
            3_000,
        ),
        await _served(
            uow_factory,
            world.farmer_id,
            expert_id,
            datetime(2026, 8, 9, 3, tzinfo=UTC),
            ServiceMode.onsite_consult,
            8_001,
        ),
        await _served(
            uow_factory,
            world.farmer_id,
            expert_id,
            datetime(2026, 9, 30, 15, 59, tzinfo=UTC),
            ServiceMode.video,
            4_599,
        ),
    ]
    # Not in Q3: 1 October 00:00 in Bayannur, and a service of June.
    await _served(
        uow_factory,
        world.farmer_id,
        expert_id,
        datetime(2026, 9, 30, 16, 0, tzinfo=UTC),
        ServiceMode.online,
        1_000,
    )
    await _served(
        uow_factory,
        world.farmer_id,
        expert_id,
        datetime(2026, 6, 30, 15, 59, tzinfo=UTC),
        ServiceMode.online,
        1_000,
    )
    return world, expert_id, q3


async def _captured(uow_factory: UowFactory, request_ids: list[int]) -> dict[int, int]:
    async with uow_factory() as uow:
        rows = await uow.session.execute(
            select(LedgerEntry.request_id, func.sum(LedgerEntry.amount_fen))
            .where(LedgerEntry.kind == LedgerKind.capture, LedgerEntry.request_id.in_(request_ids))
            .group_by(LedgerEntry.request_id)
        )
        return {request_id: int(total) for request_id, total in rows.all() if request_id is not None}


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


async def _expected_rows(uow_factory: UowFactory, request_ids: list[int]) -> list[list[Any]]:
    """What the statement's file must say of each service, read from the requests and the ledger:
    request, service object, farmer, local date of completion, mode, and the fee the ledger captured
    (in yuan, from the fen)."""
    captured = await _captured(uow_factory, request_ids)
    async with uow_factory() as uow:
        found = await uow.session.execute(
            select(ServiceRequest, ServiceObject.name, Farmer.name)
            .join(ServiceObject, ServiceObject.id == ServiceRequest.service_object_id)
            .join(Farmer, Farmer.id == ServiceRequest.farmer_id)
            .where(ServiceRequest.id.in_(request_ids))
        )
        by_id = {request.id: (request, place, farmer) for request, place, farmer in found.all()}
    rows = []
    for request_id in request_ids:
        request, place, farmer = by_id[request_id]
        assert request.completed_at is not None and request.delivered_mode is not None
        local_day = request.completed_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
        rows.append(
            [
                str(request_id),
                place,
                farmer,
                local_day,
                MODE_NAMES[request.delivered_mode],
                _yuan(captured[request_id]),
            ]
        )
    return rows


def _sheet_rows(content: bytes) -> tuple[Any, list[list[Any]]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows()]
    assert all(cell.data_type in ("s", "n") for row in cells for cell in row if cell.value is not None), (
        "no cell is a formula"
    )
    amounts = [row[-1] for row in cells[1:]]
    assert all(cell.data_type == "n" and cell.number_format == "0.00" for cell in amounts)
    header, *table = cells
    return sheet, [
        [c.value for c in header],
        *([*(c.value for c in row[:-1]), f"{row[-1].value:.2f}"] for row in table),
    ]


async def test_a_statement_is_the_ledger_in_json_csv_and_xlsx(
    api_in_2027: TestClient, uow_factory: UowFactory
) -> None:
    api = api_in_2027
    _, expert_id, q3 = await _world(uow_factory)
    admin = await token(uow_factory, AdminRole.county_admin, "临河区")
    captured = await _captured(uow_factory, q3)
    expected = await _expected_rows(uow_factory, q3)
    total = _yuan(sum(captured.values()))

    page = await (await api.get("/api/v1/reimbursements?period=2026-Q3", headers=admin)).json()
    [statement] = page["statements"]
    assert (statement["expert_id"], statement["expert"], statement["status"]) == (expert_id, NAME, "draft")
    assert [
        (line["request_id"], line["service_object"], line["farmer"], line["fee_fen"])
        for line in statement["lines"]
    ] == [(r, PLACE, NAME, captured[r]) for r in q3]
    assert statement["total_fen"] == page["total_fen"] == sum(captured.values()) == 15_600

    for status, shown in (("draft", "草稿"), ("paid", "已支付")):  # live lines, then frozen ones
        if status == "paid":
            step = {"expert_id": expert_id, "period": "2026-Q3"}
            for act in ("confirm", "pay"):
                assert (
                    await api.post(f"/api/v1/reimbursements/{act}", headers=admin, json=step)
                ).status == 200
        answer = await api.get("/api/v1/reimbursements?period=2026-Q3&format=xlsx", headers=admin)
        assert answer.content_type == XLSX
        sheet, rows = _sheet_rows(await answer.read())
        assert rows == [
            ["县区", "专家", "状态", "服务单号", "服务对象", "农户", "完成日期", "服务方式", "费用（元）"],
            *(["临河区", NAME, shown, *line] for line in expected),
            ["合计", "", "", "3 项", "", "", "", "", total],
        ], "every figure is the ledger's, every typed name a string cell, never a formula"
        assert sheet.freeze_panes == "A2"
        assert [row[6] for row in rows[1:-1]] == ["2026-07-01", "2026-08-09", "2026-09-30"]  # local dates

    as_csv = await api.get("/api/v1/reimbursements?period=2026-Q3", headers={**admin, "Accept": "text/csv"})
    assert as_csv.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO((await as_csv.read()).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:-1]] == ["'" + NAME] * 3, "the quote makes a spreadsheet show text"
    assert [(row[4], row[5]) for row in rows[1:-1]] == [("'" + PLACE, "'" + NAME)] * 3
    assert [row[-1] for row in rows[1:]] == [*(line[-1] for line in expected), total]


async def test_a_statement_is_confirmed_then_paid_once_and_never_changes(
    api_in_2027: TestClient, uow_factory: UowFactory
) -> None:
    api = api_in_2027
    _, expert_id, q3 = await _world(uow_factory)
    admin = await token(uow_factory, AdminRole.county_admin, "临河区")
    step = {"expert_id": expert_id, "period": "2026-Q3"}

    assert (await api.post("/api/v1/reimbursements/pay", headers=admin, json=step)).status == 409
    confirmed = await api.post("/api/v1/reimbursements/confirm", headers=admin, json=step)
    body = await confirmed.json()
    assert (confirmed.status, body["status"], [x["request_id"] for x in body["lines"]]) == (
        200,
        "confirmed",
        q3,
    )
    assert (await api.post("/api/v1/reimbursements/confirm", headers=admin, json=step)).status == 409
    paid = await api.post("/api/v1/reimbursements/pay", headers=admin, json=step)
    assert (paid.status, (await paid.json())["status"]) == (200, "paid")
    for again in ("pay", "confirm"):
        refused = await api.post(f"/api/v1/reimbursements/{again}", headers=admin, json=step)
        assert (refused.status, (await refused.json())["current_status"]) == (409, "paid")
    # The year's statement cannot take the quarter's services a second time.
    year = await api.post("/api/v1/reimbursements/confirm", headers=admin, json={**step, "period": "2026"})
    lines = (await year.json())["lines"]
    assert year.status == 200 and len(lines) == 2 and not {x["request_id"] for x in lines} & set(q3)

    page = await (await api.get("/api/v1/reimbursements?period=2026-Q3", headers=admin)).json()
    assert [(s["status"], s["total_fen"]) for s in page["statements"]] == [("paid", 15_600)]
    async with uow_factory() as uow:
        actions = (
            await uow.session.scalars(
                select(AuditLog.action)
                .where(AuditLog.entity == "reimbursement_statement")
                .order_by(AuditLog.id)
            )
        ).all()
    assert list(actions)[:2] == ["reimbursement.confirmed", "reimbursement.paid"]


async def test_the_city_sees_every_county_and_a_county_its_own(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        theirs = await uow.session.scalar(
            select(Farmer.id).where(Farmer.county_id == world.other_county_id).limit(1)
        )
    if theirs is None:
        async with uow_factory() as uow:
            household = await uow.session.scalar(
                select(ServiceObject).where(ServiceObject.county_id == world.other_county_id).limit(1)
            )
            assert household is not None
            farmer = Farmer(
                telegram_user_id=2002,
                name="刘满仓",
                phone="13904782001",
                service_object_id=household.id,
                county_id=world.other_county_id,
            )
            uow.session.add(farmer)
            await uow.commit()
            theirs = farmer.id
    await _served(
        uow_factory,
        world.farmer_id,
        world.experts["王建国"],
        datetime(2026, 8, 1, 2, tzinfo=UTC),
        ServiceMode.online,
        3_000,
    )
    await _served(
        uow_factory,
        theirs,
        world.other_county_expert_id,
        datetime(2026, 8, 1, 2, tzinfo=UTC),
        ServiceMode.video,
        5_000,
    )
    county = await token(uow_factory, AdminRole.county_admin, "临河区")
    city = await token(uow_factory, AdminRole.city_bureau)
    own = await (await api.get("/api/v1/reimbursements?period=2026-08", headers=county)).json()
    everything = await (await api.get("/api/v1/reimbursements?period=2026-08", headers=city)).json()
    assert [s["county"] for s in own["statements"]] == ["临河区"]
    assert sorted(s["county"] for s in everything["statements"]) == ["临河区", "五原县"]
    assert everything["total_fen"] == 8_000
    step = {"expert_id": world.other_county_expert_id, "period": "2026-08"}
    assert (await api.post("/api/v1/reimbursements/confirm", headers=county, json=step)).status == 404
    assert (await api.post("/api/v1/reimbursements/confirm", headers=city, json=step)).status == 403


async def test_a_period_still_running_is_not_confirmed_so_no_later_service_is_left_out(
    api_in_september: TestClient, uow_factory: UowFactory
) -> None:
    """Confirming freezes a period's statement; frozen in mid-September, Q3's services of the 20th
    would be on no Q3 statement at all, and the quarter's total would fall short of its captures."""
    api = api_in_september
    _, expert_id, q3 = await _world(uow_factory)
    admin = await token(uow_factory, AdminRole.county_admin, "临河区")

    early = await api.post(
        "/api/v1/reimbursements/confirm", headers=admin, json={"expert_id": expert_id, "period": "2026-Q3"}
    )
    body = await early.json()
    assert early.status == 409, body
    assert "2026-10-01" in body["detail"] and body["current_status"] == "draft"
    page = await (await api.get("/api/v1/reimbursements?period=2026-Q3", headers=admin)).json()
    assert [(s["status"], s["total_fen"]) for s in page["statements"]] == [("draft", 15_600)]

    august = await api.post(
        "/api/v1/reimbursements/confirm", headers=admin, json={"expert_id": expert_id, "period": "2026-08"}
    )
    assert (august.status, (await august.json())["lines"][0]["request_id"]) == (200, q3[1])


async def test_every_kind_of_period_takes_the_services_completed_in_it_in_bayannur_time(
    api: TestClient, uow_factory: UowFactory
) -> None:
    """The world's five services: 30 June 23:59, 1 July 09:00, 9 August, 30 September 23:59 and
    1 October 00:00, Bayannur time (3000, 8001, 4599 in Q3; 1000 either side)."""
    await _world(uow_factory)
    admin = await token(uow_factory, AdminRole.county_admin, "临河区")

    async def total(period: str) -> tuple[int, Any]:
        answer = await api.get(f"/api/v1/reimbursements?period={period}", headers=admin)
        body = await answer.json()
        return answer.status, body.get("total_fen")

    assert [await total(p) for p in ("2026-06", "2026-07", "2026-09", "2026-10")] == [
        (200, 1_000),
        (200, 3_000),
        (200, 4_599),
        (200, 1_000),
    ]
    assert [await total(p) for p in ("2026-Q2", "2026-Q3", "2026-Q4")] == [
        (200, 1_000),
        (200, 15_600),
        (200, 1_000),
    ]
    assert [await total(p) for p in ("2026-H1", "2026-H2", "2026", "2025", "2027-Q1")] == [
        (200, 1_000),
        (200, 16_600),
        (200, 17_600),
        (200, 0),
        (200, 0),
    ]
    for wrong in ("2026-13", "2026-Q5", "2026-H3", "26", "2026-7"):
        assert (await total(wrong))[0] == 400, wrong  # a query parameter out of its pattern
