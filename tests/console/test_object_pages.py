"""Service objects and their rosters in the console: the list in pages with its filters, one object,
record / correct, take off the list and put back with a reason, roster members one at a time and as
a spreadsheet (every bad row reported, the roster unchanged). Forms refuse a post without their CSRF
token and do nothing; another county's object is absent; a reviewer reads but changes nothing; what
was typed is shown as text; bad input is a page saying what to fix, never a 500."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from admin_api.console import objects
from storage.enums import AdminRole
from storage.models import RosterMember, ServiceObject
from storage.uow import UnitOfWork
from tests.console.test_desk_pages import csrf_of, signed_in
from tests.console.test_login import hidden
from tests.console.test_registry_pages import upload
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


async def object_named(uow_factory: UowFactory, name: str) -> ServiceObject | None:
    async with uow_factory() as uow:
        return await uow.session.scalar(select(ServiceObject).where(ServiceObject.name == name))


async def roster_of(uow_factory: UowFactory, object_id: int) -> list[tuple[str, str]]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(RosterMember).where(RosterMember.service_object_id == object_id).order_by(RosterMember.id)
        )
        return [(m.name, m.phone) for m in rows]


async def test_the_list_filters_comes_in_pages_and_keeps_to_the_county(
    console: TestClient, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    listed = await (await console.get("/console/service-objects")).text()
    assert "临河区狼山镇王二牛示范户" in listed and "巴彦淖尔国家农业科技园区" in listed
    assert "五原县" not in listed  # another county's objects are not listed
    assert 'href="/console/service-objects/new"' not in listed  # a reviewer reads only
    english = await (await console.get("/console/service-objects?lang=en")).text()
    assert "<h1>Service objects</h1>" in english and "Listed" in english
    assert (await console.get("/console/service-objects?lang=zh")).status == 200

    households = await (await console.get("/console/service-objects?kind=household")).text()
    assert "王二牛示范户" in households and "番茄示范点" not in households
    off = await (await console.get("/console/service-objects?certified=false")).text()
    assert "王二牛示范户" not in off
    bad = await console.get("/console/service-objects?kind=castle&township_id=x")
    assert bad.status == 200 and "kind" in await bad.text()  # named, the list shown unfiltered

    monkeypatch.setattr(objects, "PAGE", 2)
    first = await (await console.get("/console/service-objects")).text()
    ids = re.findall(r'data-id="(\d+)"', first)
    more = re.search(r'<p class="more"><a href="([^"]+)"', first)
    assert len(ids) == 2 and more is not None
    second = await (await console.get(more.group(1).replace("&amp;", "&"))).text()
    assert set(re.findall(r'data-id="(\d+)"', second)).isdisjoint(ids)

    page = await (await console.get(f"/console/service-objects/{world.service_object_id}")).text()
    assert "王秀兰" in page and "13904781002" in page and "/members" not in page
    assert (await console.get("/console/service-objects/99999")).status == 404
    other = await object_named(uow_factory, "五原县隆兴昌镇刘满仓示范户")
    assert other is not None
    assert (await console.get(f"/console/service-objects/{other.id}")).status == 404
    token = hidden(page, "csrf")
    refused = await console.post(
        f"/console/service-objects/{world.service_object_id}/members",
        data={"csrf": token, "name": "新人", "phone": "13904789999"},
    )
    assert refused.status == 403
    assert len(await roster_of(uow_factory, world.service_object_id)) == 2


async def test_a_county_records_corrects_and_takes_a_household_off_the_list(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    token = await csrf_of(console, "/console/service-objects/new")
    form = {"csrf": token, "kind": "household", "name": "<i>张三户</i>", "main_industries": "向日葵、小麦"}

    forged = await console.post("/console/service-objects/new", data={**form, "csrf": ""})
    assert forged.status == 403 and await object_named(uow_factory, "<i>张三户</i>") is None
    wrong = await console.post("/console/service-objects/new", data={**form, "contact_phone": "12345"})
    text = await wrong.text()
    assert wrong.status == 422 and "phone" in text and 'value="&lt;i&gt;张三户&lt;/i&gt;"' in text
    park = await console.post("/console/service-objects/new", data={**form, "kind": "park"})
    assert park.status == 403 and "Art. 10" in await park.text()  # the city certifies parks
    assert await object_named(uow_factory, "<i>张三户</i>") is None

    made = await console.post("/console/service-objects/new", data=form, allow_redirects=False)
    assert made.status == 303
    found = await object_named(uow_factory, "<i>张三户</i>")
    assert found is not None and found.main_industries == ["向日葵", "小麦"]
    assert made.headers["Location"] == f"/console/service-objects/{found.id}?done=recorded"
    shown = await (await console.get(made.headers["Location"])).text()
    assert "&lt;i&gt;张三户&lt;/i&gt;" in shown and "<i>张三户</i>" not in shown and "已登记服务对象" in shown

    path = f"/console/service-objects/{found.id}"
    edit = await (await console.get(f"{path}/edit")).text()
    assert 'value="向日葵、小麦"' in edit
    empty = await console.post(f"{path}/edit", data={"csrf": token, "name": ""})
    assert empty.status == 422 and "name" in await empty.text()
    edited = await console.post(
        f"{path}/edit",
        data={"csrf": token, "name": "张三户", "contact_name": "张三", "contact_phone": "139 0478 5555"},
    )
    assert edited.status == 200 and "13904785555" in await edited.text()

    assert "移出名单后" in shown  # the page says what taking it off does
    no_reason = await console.post(f"{path}/deactivate", data={"csrf": token, "reason": ""})
    assert no_reason.status == 422
    off = await console.post(f"{path}/deactivate", data={"csrf": token, "reason": "外出务工"})
    off_page = await off.text()
    assert off.status == 200 and "已移出名单" in off_page and 'id="reactivate"' in off_page
    again = await console.post(f"{path}/deactivate", data={"csrf": token, "reason": "外出务工"})
    assert again.status == 409
    back = await console.post(f"{path}/reactivate", data={"csrf": token, "reason": "返乡"})
    assert back.status == 200 and "已恢复在册" in await back.text()


async def test_a_point_is_the_citys_to_take_off_the_list_and_the_county_is_offered_no_button(
    console: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    point = await object_named(uow_factory, "临河区干召庙镇番茄示范点")
    assert point is not None
    path = f"/console/service-objects/{point.id}"
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    page = await (await console.get(path)).text()
    assert 'id="deactivate"' not in page and "示范点、园区、示范单位由市里认定" in page
    posted = await console.post(f"{path}/deactivate", data={"csrf": hidden(page, "csrf"), "reason": "停办"})
    assert posted.status == 403 and "Art. 10" in await posted.text()

    await signed_in(console, uow_factory, "周所长", AdminRole.city_institute, None)
    page = await (await console.get(path)).text()
    assert 'id="deactivate"' in page
    off = await console.post(f"{path}/deactivate", data={"csrf": hidden(page, "csrf"), "reason": "停办"})
    assert off.status == 200 and "已移出名单" in await off.text()
    found = await object_named(uow_factory, "临河区干召庙镇番茄示范点")
    assert found is not None and found.certified is False


async def test_roster_members_are_added_corrected_and_removed_one_at_a_time(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    path = f"/console/service-objects/{world.service_object_id}"
    token = await csrf_of(console, path)

    forged = await console.post(f"{path}/members", data={"name": "新人", "phone": "13904789999"})
    assert forged.status == 403 and len(await roster_of(uow_factory, world.service_object_id)) == 2
    taken = await console.post(
        f"{path}/members", data={"csrf": token, "name": "<b>新人</b>", "phone": "13904781011"}
    )
    text = await taken.text()
    assert taken.status == 422 and "13904781011" in text and 'value="&lt;b&gt;新人&lt;/b&gt;"' in text
    bad = await console.post(f"{path}/members", data={"csrf": token, "name": "新人", "phone": "abc"})
    assert bad.status == 422 and len(await roster_of(uow_factory, world.service_object_id)) == 2

    added = await console.post(
        f"{path}/members", data={"csrf": token, "name": "<b>新人</b>", "phone": "139-0478-9999"}
    )
    page = await added.text()
    assert added.status == 200 and "已添加成员" in page and "&lt;b&gt;新人&lt;/b&gt;" in page
    roster = await roster_of(uow_factory, world.service_object_id)
    assert roster[-1] == ("<b>新人</b>", "13904789999")
    member = re.findall(r'data-member="(\d+)"', page)[-1]

    edited = await console.post(
        f"{path}/members/{member}/edit", data={"csrf": token, "name": "新人", "phone": "13904789998"}
    )
    assert edited.status == 200 and (await roster_of(uow_factory, world.service_object_id))[-1] == (
        "新人",
        "13904789998",
    )
    clash = await console.post(
        f"{path}/members/{member}/edit", data={"csrf": token, "name": "<i>新名</i>", "phone": "13904781001"}
    )
    text = await clash.text()
    assert clash.status == 422 and "13904781001" in text and "<details open>" in text
    assert 'value="&lt;i&gt;新名&lt;/i&gt;"' in text  # the correction typed is kept, as text
    assert (await roster_of(uow_factory, world.service_object_id))[-1] == ("新人", "13904789998")
    assert (await console.post(f"{path}/members/99999/remove", data={"csrf": token})).status == 404
    removed = await console.post(f"{path}/members/{member}/remove", data={"csrf": token})
    assert removed.status == 200 and "已删除成员" in await removed.text()
    assert len(await roster_of(uow_factory, world.service_object_id)) == 2

    other = await object_named(uow_factory, "五原县隆兴昌镇刘满仓示范户")
    assert other is not None
    elsewhere = f"/console/service-objects/{other.id}"
    for act, data in (
        ("members", {"name": "新人", "phone": "13904789997"}),
        ("deactivate", {"reason": "外出务工"}),
        ("edit", {"name": "改名"}),
    ):
        assert (await console.post(f"{elsewhere}/{act}", data={"csrf": token, **data})).status == 404
    assert await roster_of(uow_factory, other.id) == [("刘满仓", "13904782001")]
    kept = await object_named(uow_factory, "五原县隆兴昌镇刘满仓示范户")
    assert kept is not None and kept.certified


async def test_a_roster_import_reports_every_bad_row_and_keeps_the_roster_then_replaces_it(
    console: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    await signed_in(console, uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    path = f"/console/service-objects/{world.service_object_id}"
    token = await csrf_of(console, path)
    before = await roster_of(uow_factory, world.service_object_id)

    bad = "姓名,手机号\n王二牛,13904781001\n,13904781003\n<script>x</script>,12\n".encode()
    refused = await console.post(f"{path}/roster/import", data=upload(token, bad, "roster.csv"))
    text = await refused.text()
    assert refused.status == 422 and text.count('class="row-error"') == 2
    assert "<script>x</script>" not in text
    assert await roster_of(uow_factory, world.service_object_id) == before

    good = "姓名,手机号\n王二牛,13904781001\n王小牛,13904781009\n".encode()
    imported = await console.post(f"{path}/roster/import", data=upload(token, good, "roster.csv"))
    assert imported.status == 200 and "名单已导入" in await imported.text()
    assert await roster_of(uow_factory, world.service_object_id) == [
        ("王二牛", "13904781001"),
        ("王小牛", "13904781009"),
    ]
    exported = await console.get(f"{path}/roster/export?format=csv")
    assert exported.status == 200 and "王小牛" in (await exported.read()).decode("utf-8-sig")
    assert (await console.get(f"{path}/roster/export?format=pdf")).status == 422
