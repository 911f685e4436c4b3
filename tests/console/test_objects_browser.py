"""Service objects and teams in a real browser (Debian's headless Chromium): a county administrator
filters the service objects, opens a household, adds a farmer to its roster, reads the teams and makes
a 副高 member the team's leader. On a 375-pixel phone no page is wider than the screen. Any browser
console error fails the test; screenshots into docs/console/ with JINGFU_SCREENSHOTS=1."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from storage.enums import AdminRole
from storage.models import Expert, RosterMember
from storage.uow import UnitOfWork
from tests.console.browser import chromium, tab
from tests.console.conftest import console_user
from tests.console.test_money_browser import base, fits_a_phone, signed_in
from tests.demo_world import build_world

__all__ = ["base"]  # a fixture, used by name
UowFactory = Callable[[], UnitOfWork]


async def test_a_county_admin_adds_a_roster_member_and_sets_the_team_leader(
    base: str, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    await console_user(uow_factory, "赵主任", AdminRole.county_admin, "临河区")
    async with chromium() as browser, tab(browser, base) as t:
        await signed_in(t, base, "赵主任", "/console/service-objects")
        await t.page.select_option("select[name=kind]", "household")
        await t.page.click("form.filters button[type=submit]")
        await t.page.wait_for_url("**kind=household**")
        assert "临河区狼山镇王二牛示范户" in await t.page.inner_text("table")
        await fits_a_phone(t)
        await t.shot("service-objects")

        await t.page.click("table a:text('临河区狼山镇王二牛示范户')")
        await t.page.wait_for_url(f"{base}/console/service-objects/{world.service_object_id}")
        await t.page.fill("#add-member input[name=name]", "王小牛")
        await t.page.fill("#add-member input[name=phone]", "139 0478 1009")
        await fits_a_phone(t)
        await t.shot("service-object")
        await t.page.click("#add-member button[type=submit]")
        await t.page.wait_for_url("**done=added**")
        assert "已添加成员" in await t.page.inner_text("p.notice")
        assert "13904781009" in await t.page.inner_text("table")
        await t.page.click("a:text('编辑')")
        await fits_a_phone(t)
        await t.shot("service-object-form")

        await t.page.click("nav a[href='/console/teams']")
        await t.page.wait_for_url(f"{base}/console/teams")
        await fits_a_phone(t)
        await t.shot("teams")
        await t.page.click("table a:text('临河区')")
        await t.page.wait_for_selector("#edit-team")
        options = await t.page.inner_text("select[name=leader_id]")
        assert "李秀英" in options and "刘海燕" not in options  # below 副高: not offered
        await t.page.select_option("select[name=leader_id]", str(world.experts["李秀英"]))
        await fits_a_phone(t)
        await t.shot("team-edit")
        await t.page.click("#save-team")
        await t.page.wait_for_url("**done=edited**")
        assert "李秀英" in await t.page.inner_text("dl")

    async with uow_factory() as uow:
        added = await uow.session.scalar(select(RosterMember).where(RosterMember.phone == "13904781009"))
        leader = await uow.session.scalar(
            select(Expert.name).where(Expert.is_leader.is_(True), Expert.county_id == world.county_id)
        )
    assert added is not None and added.service_object_id == world.service_object_id and leader == "李秀英"
