"""The experts' registry in the console: list in pages, one expert, certify, edit, suspend / dismiss /
reinstate with a reason, import a spreadsheet (every bad row reported, nobody certified) and export
one; the team's Art. 7 check. Forms refuse a post without their CSRF token; another county's expert
and team are absent; a reviewer reads but may not certify; what was typed is shown as text."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from admin_api.console import registry
from storage.enums import AdminRole, ExpertStatus
from storage.models import Expert
from storage.uow import UnitOfWork
from tests.console.test_desk_pages import csrf_of, signed_in
from tests.console.test_login import hidden
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]
HEADER = ["姓名", "手机号", "职称", "副高及以上", "专业", "认定日期"]


async def experts_named(uow_factory: UowFactory, name: str) -> list[Expert]:
    async with uow_factory() as uow:
        return list((await uow.session.scalars(select(Expert).where(Expert.name == name))).all())


async def expert_count(uow_factory: UowFactory) -> int:
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Expert)) or 0)


async def test_experts_come_in_pages_and_another_countys_expert_is_absent(
    console: TestClient, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    monkeypatch.setattr(registry, "PAGE", 2)
    first = await (await console.get("/console/experts?status=active")).text()
    ids = re.findall(r'data-id="(\d+)"', first)
    more = re.search(r'<p class="more"><a href="([^"]+)"', first)
    assert len(ids) == 2 and more is not None and "status=active" in more.group(1)
    second = await (await console.get(more.group(1).replace("&amp;", "&"))).text()
    assert set(re.findall(r'data-id="(\d+)"', second)).isdisjoint(ids)
    assert 'href="/console/experts/new"' not in first  # a reviewer reads the registry, certifies nothing
    assert (await console.get("/console/experts?status=suspended")).status == 200

    assert (await console.get(f"/console/experts/{world.other_county_expert_id}")).status == 404
    mine = await (await console.get(f"/console/experts/{world.experts['王建国']}")).text()
    assert "王建国" in mine and "/suspend" not in mine
    token = hidden(mine, "csrf")
    refused = await console.post(
        f"/console/experts/{world.experts['王建国']}/suspend", data={"csrf": token, "reason": "住院"}
    )
    assert refused.status == 403
    [kept] = await experts_named(uow_factory, "王建国")
    assert kept.status is ExpertStatus.active


def expert_form(token: str, **fields: str) -> dict[str, str]:
    return {
        "csrf": token,
        "name": "<b>张三</b>",
        "phone": "13912340001",
        "title": "农艺师",
        "organisation": "巴彦淖尔市农科院",
        "specialties": "plant_protection",
        "keywords": "向日葵、番茄",
        "certified_on": "2026-01-05",
        **fields,
    }


async def test_a_county_administrator_certifies_edits_and_suspends_an_expert(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    token = await csrf_of(console, "/console/experts/new")
    before = await expert_count(uow_factory)

    forged = await console.post("/console/experts/new", data=expert_form(""), allow_redirects=False)
    assert forged.status == 403 and await expert_count(uow_factory) == before
    wrong = await console.post("/console/experts/new", data=expert_form(token, phone="12345"))
    page = await wrong.text()
    assert wrong.status == 422 and "phone" in page and await expert_count(uow_factory) == before
    assert 'value="&lt;b&gt;张三&lt;/b&gt;"' in page  # what was typed is kept, as text

    made = await console.post("/console/experts/new", data=expert_form(token), allow_redirects=False)
    assert made.status == 303
    [expert] = await experts_named(uow_factory, "<b>张三</b>")
    assert made.headers["Location"] == f"/console/experts/{expert.id}?done=certified"
    shown = await (await console.get(made.headers["Location"])).text()
    assert "&lt;b&gt;张三&lt;/b&gt;" in shown and "<b>张三</b>" not in shown and "2031-01-04" in shown

    edit = f"/console/experts/{expert.id}/edit"
    form = await (await console.get(edit)).text()
    assert (
        'value="&lt;b&gt;张三&lt;/b&gt;"' in form
        and 'value="2026-01-05"' in form
        and 'value="向日葵、番茄"' in form
    )
    assert re.search(r'value="plant_protection"\s+checked', form)
    edited = await console.post(edit, data=expert_form(token, title="高级农艺师", senior_rank="true"))
    assert edited.status == 200 and "高级农艺师" in await edited.text()
    [expert] = await experts_named(uow_factory, "<b>张三</b>")
    assert expert.title == "高级农艺师" and expert.senior_rank

    path = f"/console/experts/{expert.id}"
    no_reason = await console.post(f"{path}/suspend", data={"csrf": token, "reason": ""})
    assert no_reason.status == 422
    suspended = await console.post(f"{path}/suspend", data={"csrf": token, "reason": "住院"})
    assert suspended.status == 200 and "暂停" in await suspended.text()
    [expert] = await experts_named(uow_factory, "<b>张三</b>")
    assert expert.status is ExpertStatus.suspended
    await console.post(f"{path}/dismiss", data={"csrf": token, "reason": "全年服务不足5次"})
    await console.post(f"{path}/reinstate", data={"csrf": token, "reason": "复核后恢复"})
    [expert] = await experts_named(uow_factory, "<b>张三</b>")
    assert expert.status is ExpertStatus.active
    forged_status = await console.post(f"{path}/suspend", data={"reason": "x"}, allow_redirects=False)
    assert forged_status.status == 403
    [expert] = await experts_named(uow_factory, "<b>张三</b>")
    assert expert.status is ExpertStatus.active


def csv_file(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return ("\ufeff" + text.getvalue()).encode()


def upload(token: str, raw: bytes, name: str = "experts.csv") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf", token)
    form.add_field("file", raw, filename=name, content_type="application/octet-stream")
    return form


async def test_an_import_reports_every_bad_row_and_certifies_nobody_then_all(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    token = await csrf_of(console, "/console/experts/import")
    rows = [HEADER] + [
        [f"导入专家{n}", f"137{n:08d}", "农艺师", "否", "plant_protection", "2026-01-05"] for n in range(3)
    ]
    bad = [row[:] for row in rows]
    bad[2][1] = "110"
    bad[3][4] = "astrology"
    before = await expert_count(uow_factory)

    forged = await console.post(
        "/console/experts/import", data=upload("", csv_file(bad)), allow_redirects=False
    )
    assert forged.status == 403
    refused = await console.post("/console/experts/import", data=upload(token, csv_file(bad)))
    report = await refused.text()
    assert refused.status == 422 and await expert_count(uow_factory) == before
    cells = re.findall(r"<tr class=\"row-error\"><td>(\d+)</td><td>([^<]*)</td>", report)
    assert cells == [("3", "手机号"), ("4", "专业")]

    done = await console.post("/console/experts/import", data=upload(token, csv_file(rows)))
    assert done.status == 200 and "导入专家2" in await done.text()
    assert await expert_count(uow_factory) == before + 3

    exported = await console.get("/console/experts/export?format=csv")
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO((await exported.read()).decode("utf-8-sig"))))
    assert (
        table[0] == HEADER
        and ["导入专家1", "13700000001", "农艺师", "否", "plant_protection", "2026-01-05"] in table
    )


async def team_of(uow_factory: UowFactory, world: World, name: str) -> int:
    async with uow_factory() as uow:
        expert = await uow.session.get(Expert, world.experts[name])
        assert expert is not None
        return expert.team_id


async def test_the_team_page_shows_what_art_7_asks(console: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)  # the demo team: 11 active members, 王建国 leads
    team = await team_of(uow_factory, world, "王建国")
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    experts = await (await console.get("/console/experts")).text()
    assert f'href="/console/teams/{team}"' in experts
    page = await (await console.get(f"/console/teams/{team}")).text()
    assert "王建国" in page and "符合第七条要求" in page
    token = hidden(page, "csrf")
    for name in ("李秀英", "张志强"):
        await console.post(
            f"/console/experts/{world.experts[name]}/suspend", data={"csrf": token, "reason": "外出学习"}
        )
    page = await (await console.get(f"/console/teams/{team}")).text()
    assert (
        "Art. 7: the team has 9 active members; it needs at least 10" in page and "符合第七条要求" not in page
    )

    async with uow_factory() as uow:
        other = await uow.session.get(Expert, world.other_county_expert_id)
        assert other is not None
        other_team = other.team_id
    assert (await console.get(f"/console/teams/{other_team}")).status == 404


async def test_the_city_institute_picks_the_county_of_a_new_expert(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, "周所长", AdminRole.city_institute, None)
    form = await (await console.get("/console/experts/new")).text()
    assert f'<option value="{world.other_county_id}"' in form and f'<option value="{world.county_id}"' in form
    token = hidden(form, "csrf")
    unnamed = await console.post("/console/experts/new", data=expert_form(token, name="钱多"))
    assert (
        unnamed.status == 422
        and "county_id" in await unnamed.text()
        and not await experts_named(uow_factory, "钱多")
    )
    made = await console.post(
        "/console/experts/new", data=expert_form(token, name="钱多", county_id=str(world.other_county_id))
    )
    assert made.status == 200
    [expert] = await experts_named(uow_factory, "钱多")
    assert expert.county_id == world.other_county_id
