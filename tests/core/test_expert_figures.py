"""An expert's running figures (core.expert_figures) equal a recount of history after the events
that change them, across a budget year's end; a figure that drifts is reported by the reconciliation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from core import expert_figures, feedback, requests
from core.expert_figures import ExpertFigures, Mismatch
from storage.enums import ServiceMode
from storage.models.requests import ExpertYear
from storage.uow import UnitOfWork
from tests.core.test_team import _invited  # submitted to an expert and approved at a time
from tests.demo_world import World, build_world

MORNING = datetime(2031, 6, 3, 2, 0, tzinfo=UTC)  # 10:00 in Bayannur
# 23:00 on 31 December 2031 in Bayannur (UTC+8): the last hour of budget year 2031.
NEW_YEARS_EVE = datetime(2031, 12, 31, 15, 0, tzinfo=UTC)


async def _serve(
    uow_factory: Callable[[], UnitOfWork], world: World, expert: str, invited: datetime, stars: int | None
) -> None:
    """Invited at `invited`, accepted 2 hours later, completed 3 hours after that, rated `stars`."""
    request_id = await _invited(uow_factory, world, expert, invited)
    expert_id = world.experts[expert]
    async with uow_factory() as uow:
        await requests.accept(uow, request_id, expert_id, now=invited + timedelta(hours=2))
    async with uow_factory() as uow:
        await requests.complete(
            uow, request_id, expert_id, delivered_mode=ServiceMode.online, now=invited + timedelta(hours=5)
        )
    if stars is not None:
        async with uow_factory() as uow:
            await feedback.rate(
                uow,
                request_id=request_id,
                farmer_id=world.farmer_id,
                stars=stars,
                now=invited + timedelta(hours=6),
            )


async def test_running_figures_equal_a_recount_across_the_year_end(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await build_world(uow_factory, now=MORNING)
    wang, huang = world.experts["王建国"], world.experts["黄晓梅"]
    await _serve(uow_factory, world, "王建国", MORNING, stars=5)
    await _serve(uow_factory, world, "王建国", MORNING + timedelta(days=1), stars=3)
    # Invited in 2031's last hour, answered and served in 2032: a 2032 service, but no 2032 answer
    # time (the leader's figure is about the year's own invitations).
    await _serve(uow_factory, world, "王建国", NEW_YEARS_EVE, stars=None)
    declined = await _invited(uow_factory, world, "黄晓梅", MORNING)
    async with uow_factory() as uow:
        await requests.decline(
            uow, declined, huang, reason="近几天没有时间", now=MORNING + timedelta(hours=4)
        )
    await _invited(uow_factory, world, "黄晓梅", MORNING + timedelta(days=2))
    async with uow_factory() as uow:
        await requests.expire_invitations(uow, now=MORNING + timedelta(days=3))

    async with uow_factory() as uow:
        assert await expert_figures.reconcile(uow) == []
        in_2031 = await expert_figures.for_experts(uow, [wang, huang], 2031)
        in_2032 = await expert_figures.for_experts(uow, [wang, huang], 2032)
    assert in_2031[wang] == ExpertFigures(rating_count=2, rating_stars=8, services=2, answer_hours=2.0)
    assert in_2031[huang] == ExpertFigures(declines=1, expiries=1, answer_hours=4.0)
    assert in_2032[wang] == ExpertFigures(rating_count=2, rating_stars=8, services=1, answer_hours=None)
    assert in_2032[huang] == ExpertFigures()  # nothing in 2032

    async with uow_factory() as uow:
        await uow.session.execute(
            update(ExpertYear)
            .where(ExpertYear.expert_id == wang, ExpertYear.budget_year == 2032)
            .values(services=ExpertYear.services + 1)
        )
        assert await expert_figures.reconcile(uow) == [Mismatch(wang, 2032, "services", 2, 1)]
