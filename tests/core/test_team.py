"""The team leader's overview: waiting invitations and how long, expiries, declines, answer times,
services this year, read from the requests and their recorded events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from core import requests
from core.errors import NotPermitted
from core.scope import Staff
from core.team import MemberStatus, team_overview
from storage.enums import ServiceMode
from storage.uow import UnitOfWork
from tests.demo_world import World, build_world

# 10:00 in Bayannur on a weekday of the demo's budget year.
MORNING = datetime(2031, 6, 3, 2, 0, tzinfo=UTC)
REVIEWER = Staff(admin_id=1, county_id=None)


async def _invited(
    uow_factory: Callable[[], UnitOfWork], world: World, expert: str, approved_at: datetime
) -> int:
    """A request of the world's farmer, submitted to `expert` and approved at `approved_at`."""
    async with uow_factory() as uow:
        draft = await requests.create_draft(uow, world.farmer_id, description="葵花叶子发黄")
        await requests.submit(
            uow,
            draft.id,
            world.farmer_id,
            expert_id=world.experts[expert],
            mode=ServiceMode.online,
            now=approved_at - timedelta(hours=1),
        )
        await requests.approve(uow, draft.id, REVIEWER, now=approved_at)
        await uow.commit()
        return draft.id


def _member(members: tuple[MemberStatus, ...], name: str) -> MemberStatus:
    return next(m for m in members if m.name == name)


async def test_the_leader_sees_load_lateness_and_the_yearly_minimum(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await build_world(uow_factory, now=MORNING)
    now = MORNING + timedelta(hours=40)
    # 黄晓梅: one invitation waiting 15 hours (late), one declined after 4 hours.
    await _invited(uow_factory, world, "黄晓梅", now - timedelta(hours=15))
    declined = await _invited(uow_factory, world, "黄晓梅", MORNING)
    async with uow_factory() as uow:
        await requests.decline(
            uow, declined, world.experts["黄晓梅"], reason="近几天没有时间", now=MORNING + timedelta(hours=4)
        )
    # 王建国: accepted after 2 hours, then completed.
    served = await _invited(uow_factory, world, "王建国", MORNING)
    async with uow_factory() as uow:
        await requests.accept(uow, served, world.experts["王建国"], now=MORNING + timedelta(hours=2))
        await requests.complete(
            uow,
            served,
            world.experts["王建国"],
            delivered_mode=ServiceMode.online,
            now=MORNING + timedelta(hours=5),
        )
    # The farmer chose 王建国 again after 黄晓梅 declined: waiting 1 hour, not late.
    async with uow_factory() as uow:
        await requests.repick(
            uow, declined, world.farmer_id, expert_id=world.experts["王建国"], now=now - timedelta(hours=2)
        )
        await requests.approve(uow, declined, REVIEWER, now=now - timedelta(hours=1))
        await uow.commit()
    # 刘海燕: let an invitation expire.
    await _invited(uow_factory, world, "刘海燕", MORNING)
    async with uow_factory() as uow:
        await requests.expire_invitations(uow, now=MORNING + timedelta(hours=25))

    async with uow_factory() as uow:
        overview = await team_overview(uow, world.experts["王建国"], now)
    assert (overview.county_name, overview.year, overview.minimum) == ("临河区", 2031, 5)
    assert len(overview.members) == 11
    huang, wang, liu = (_member(overview.members, n) for n in ("黄晓梅", "王建国", "刘海燕"))
    assert overview.members[0] == huang  # the late come first
    assert (huang.waiting, round(huang.oldest_waiting_hours or 0), huang.late) == (1, 15, True)
    assert (huang.declined, huang.expired, huang.answer_hours) == (1, 0, 4.0)
    assert (wang.waiting, round(wang.oldest_waiting_hours or 0), wang.late) == (1, 1, False)
    assert (wang.services, wang.in_service, wang.answer_hours) == (1, 0, 2.0)
    assert (liu.expired, liu.waiting, liu.answer_hours) == (1, 0, None)
    quiet = _member(overview.members, "周德胜")
    assert (quiet.waiting, quiet.services, quiet.expired, quiet.late) == (0, 0, 0, False)


async def test_only_the_leader_sees_the_team(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await build_world(uow_factory, now=MORNING)
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted):
            await team_overview(uow, world.experts["黄晓梅"], MORNING)
