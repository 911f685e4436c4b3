"""Certification over HTTP: experts' lifecycle with Art. 7's team rules, and rosters imported all or
nothing with every bad row reported."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from admin_api.tables import CSV, XLSX
from core.admin_tokens import create_token
from storage.enums import AdminRole
from storage.models import AuditLog, RosterMember
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests import factories as make

UowFactory = Callable[[], UnitOfWork]


async def _setup(uow_factory: UowFactory) -> tuple[dict[str, str], int, int]:
    """A county administrator's token, the county, and a household of it."""
    async with uow_factory() as uow:
        county = await make.county(uow)
        household = await make.service_object(uow, county.id)
        await make.specialty(uow, "plant_protection")
        await uow.commit()
        county_id, county_name, household_id = county.id, county.name, household.id
    async with uow_factory() as uow:
        issued = await create_token(uow, role=AdminRole.county_admin, county_name=county_name)
    return {"Authorization": f"Bearer {issued.token}"}, county_id, household_id


def _roster(bad: dict[int, tuple[str, str]], size: int = 1000) -> list[list[str]]:
    rows = [["姓名", "手机号"]] + [[f"农户{n:04d}", f"139{n:08d}"] for n in range(size)]
    for row, cells in bad.items():
        rows[row - 1] = list(cells)  # `row` as the spreadsheet numbers it: the header is row 1
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return ("\ufeff" + text.getvalue()).encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _members(uow_factory: UowFactory, household_id: int) -> int:
    async with uow_factory() as uow:
        count = await uow.session.scalar(
            select(func.count()).where(RosterMember.service_object_id == household_id)
        )
    return int(count or 0)


async def test_a_roster_with_three_bad_rows_imports_nothing_and_names_them(
    api: TestClient, uow_factory: UowFactory
) -> None:
    headers, _, household = await _setup(uow_factory)
    bad = {
        17: ("农户0015", "12345"),  # too short to be a mobile
        402: ("", "13900000400"),  # no name
        958: ("农户0956", "+1 390 478 1002"),  # a US number
    }
    url = f"/api/v1/service-objects/{household}/roster/import"
    for body, kind in ((_csv(_roster(bad)), CSV), (_xlsx(_roster(bad)), XLSX)):
        answer = await api.post(url, data=body, headers={**headers, "Content-Type": kind})
        problem = await answer.json()
        assert answer.status == 422, problem
        assert [(e["row"], e["column"]) for e in problem["errors"]] == [
            (17, "手机号"),
            (402, "姓名"),
            (958, "手机号"),
        ], kind
        assert "12345" in problem["errors"][0]["problem"]
        assert await _members(uow_factory, household) == 0, f"a rejected {kind} imported rows"

    good = _roster({})
    answer = await api.post(url, data=_xlsx(good), headers={**headers, "Content-Type": XLSX})
    assert answer.status == 200, await answer.text()
    assert await answer.json() == {"added": 1000, "updated": 0, "removed": 0, "kept": 0}
    assert await _members(uow_factory, household) == 1000

    # The file is the roster: re-sent without its last 10 rows and one name corrected.
    good[1] = ["张三", good[1][1]]
    answer = await api.post(url, data=_csv(good[:-10]), headers={**headers, "Content-Type": CSV})
    assert await answer.json() == {"added": 0, "updated": 1, "removed": 10, "kept": 989}
    async with uow_factory() as uow:
        entry = await uow.session.scalar(
            select(AuditLog).where(AuditLog.action == "roster.import").order_by(AuditLog.id.desc()).limit(1)
        )
    assert entry is not None and entry.detail["before"] == {"members": 1000}
    assert entry.detail["after"]["members"] == 990 and len(entry.detail["after"]["removed"]) == 10

    exported = await api.get(
        f"/api/v1/service-objects/{household}/roster/export?format=xlsx", headers=headers
    )
    sheet = load_workbook(io.BytesIO(await exported.read())).worksheets[0]
    rows = [[str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["姓名", "手机号"] and rows[1] == ["张三", "13900000000"] and len(rows) == 991


async def test_a_typed_formula_is_exported_as_text(api: TestClient, uow_factory: UowFactory) -> None:
    headers, _, household = await _setup(uow_factory)
    name = '=HYPERLINK("http://x","y")'
    rows = [["姓名", "手机号"], [name, "13904781001"]]
    answer = await api.post(
        f"/api/v1/service-objects/{household}/roster/import",
        data=_csv(rows),
        headers={**headers, "Content-Type": CSV},
    )
    assert answer.status == 200
    url = f"/api/v1/service-objects/{household}/roster/export"
    sheet = load_workbook(
        io.BytesIO(await (await api.get(url + "?format=xlsx", headers=headers)).read())
    ).active
    assert sheet is not None and sheet["A2"].data_type == "s" and sheet["A2"].value == name
    text = (await (await api.get(url, headers=headers)).read()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + name, "13904781001"]


async def test_experts_lifecycle_keeps_art_7(api: TestClient, uow_factory: UowFactory) -> None:
    headers, _, _ = await _setup(uow_factory)
    made = []
    today = utcnow().date()
    ending_soon = today.replace(year=today.year - 5) + timedelta(days=30)  # its term ends in 29 days
    for n in range(10):
        answer = await api.post(
            "/api/v1/experts",
            json={
                "name": f"专家{n}",
                "phone": f"+86 137 0000 {n:04d}",
                "title": "研究员" if n == 0 else "农艺师",
                "senior_rank": n == 0,
                "specialties": ["plant_protection"],
                "certified_on": (ending_soon if n == 1 else date(2026, 1, 5)).isoformat(),
            },
            headers=headers,
        )
        assert answer.status == 201, await answer.text()
        made.append(await answer.json())
    assert made[0]["phone"] == "13700000000" and made[0]["term_end"] == "2031-01-04"
    team = made[0]["team_id"]

    async def report() -> dict[str, Any]:
        return await (await api.get(f"/api/v1/teams/{team}", headers=headers)).json()

    first = await report()
    assert first["problems"] == ["Art. 7: the team has no leader"]
    # A leader below 副高 is refused, naming the article; the 研究员 leads.
    refused = await api.patch(f"/api/v1/experts/{made[1]['id']}", json={"is_leader": True}, headers=headers)
    assert refused.status == 422 and "Art. 7" in (await refused.json())["detail"]
    led = await api.patch(f"/api/v1/experts/{made[0]['id']}", json={"is_leader": True}, headers=headers)
    assert led.status == 200
    second = await report()
    assert second["problems"] == [] and second["active_members"] == 10
    assert [(e["name"], e["term_end"]) for e in second["terms_ending"]] == [
        ("专家1", (ending_soon.replace(year=ending_soon.year + 5) - timedelta(days=1)).isoformat())
    ]

    # Suspending one leaves nine: the report says so; reinstating restores ten.
    suspended = await api.post(
        f"/api/v1/experts/{made[5]['id']}/suspend", json={"reason": "住院"}, headers=headers
    )
    assert (await suspended.json())["status"] == "suspended"
    assert (await report())["problems"] == ["Art. 7: the team has 9 active members; it needs at least 10"]
    again = await api.post(f"/api/v1/experts/{made[5]['id']}/suspend", json={"reason": "x"}, headers=headers)
    assert again.status == 409
    await api.post(f"/api/v1/experts/{made[5]['id']}/reinstate", json={"reason": "出院"}, headers=headers)
    assert (await report())["problems"] == []

    async with uow_factory() as uow:
        entries = (
            await uow.session.scalars(
                select(AuditLog).where(AuditLog.entity_id == made[5]["id"]).order_by(AuditLog.id)
            )
        ).all()
    assert [e.action for e in entries] == ["expert.certify", "expert.suspend", "expert.reinstate"]
    assert entries[1].detail["before"] == {"status": "active", "is_leader": False}
    assert entries[1].detail["after"]["status"] == "suspended" and entries[1].detail["reason"] == "住院"


async def test_experts_import_all_or_nothing_and_export_in_the_same_columns(
    api: TestClient, uow_factory: UowFactory
) -> None:
    headers, _, _ = await _setup(uow_factory)
    header = ["姓名", "手机号", "职称", "副高及以上", "专业", "认定日期"]
    rows = [header] + [
        [f"专家{n}", f"137{n:08d}", "农艺师", "否", "plant_protection", "2026-01-05"] for n in range(12)
    ]
    rows[1][3] = "是"
    bad = [row[:] for row in rows]
    bad[4][4] = "plant_protection、astrology"  # no such specialty
    bad[9][5] = "2026-13-01"
    bad[12][1] = bad[3][1]  # a phone twice
    answer = await api.post(
        "/api/v1/experts/import", data=_csv(bad), headers={**headers, "Content-Type": CSV}
    )
    problem = await answer.json()
    assert answer.status == 422, problem
    # bad[n] is the spreadsheet's row n + 1 (the header is row 1); every bad row, in the file's order
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [
        (5, "专业"),
        (10, "认定日期"),
        (13, "手机号"),
    ]
    listed = await (await api.get("/api/v1/experts", headers=headers)).json()
    assert listed["items"] == []  # nobody certified

    answer = await api.post(
        "/api/v1/experts/import", data=_xlsx(rows), headers={**headers, "Content-Type": XLSX}
    )
    assert answer.status == 201, await answer.text()
    certified = (await answer.json())["certified"]
    assert len(certified) == 12 and certified[0]["senior_rank"] and certified[0]["term_end"] == "2031-01-04"

    exported = await api.get("/api/v1/experts/export", headers=headers)
    text = (await exported.read()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        *rows[:1],
        *[[*r[:3], r[3], r[4], r[5]] for r in rows[1:]],
    ]
