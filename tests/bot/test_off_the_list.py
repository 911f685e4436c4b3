"""A farmer the county took off a roster, or whose household it took off the list (Art. 10(3)), is
told so when submitting a new request, and nothing is held on the household's vouchers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from core import roster_members, service_objects
from core.scope import CITY_SYSTEM
from storage.models import RosterMember, ServiceObject, ServiceRequest
from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, button, texts
from tests.bot.test_edges import balance_text
from tests.bot.test_farmer_story import PROBLEM, bind_both

TOLD = (
    "您已不在所属服务对象的名单上（旗县区已调整名单），暂不能提交新的请求。"
    "如有疑问，请联系所在旗县区科技管理部门。"
)


def _starting_with(prefix: str) -> Callable[[str, str], bool]:
    return lambda label, _: label.startswith(prefix)


async def _try_to_submit(h: Harness) -> list[str]:
    sent = await h.say(FARMER, PROBLEM)
    for label in ("✅ 完成", "✅ 确认", "1. ", "✅ 选择", "线上解答"):
        sent = await h.press(FARMER, button(sent, _starting_with(label)))
    return texts(sent)


async def _nothing_submitted(h: Harness) -> None:
    async with h.deps.uow() as uow:
        request = await uow.session.scalar(select(ServiceRequest).order_by(ServiceRequest.id.desc()).limit(1))
        assert request is not None and request.submitted_at is None and request.fee_fen is None
    assert "冻结中 ¥0" in await balance_text(h)


async def test_a_farmer_taken_off_the_roster_cannot_submit(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    async with h.deps.uow() as uow:
        member = await uow.session.scalar(select(RosterMember).where(RosterMember.phone == "13904781001"))
        assert member is not None
        object_id, member_id = member.service_object_id, member.id
    async with h.deps.uow() as uow:
        await roster_members.remove_member(uow, CITY_SYSTEM, object_id, member_id, via="test")
    assert await _try_to_submit(h) == [TOLD]
    await _nothing_submitted(h)


async def test_a_farmer_of_a_household_off_the_list_cannot_submit(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    async with h.deps.uow() as uow:
        household = await uow.session.scalar(
            select(ServiceObject.id).where(ServiceObject.name == "临河区狼山镇王二牛示范户")
        )
        assert household is not None
    async with h.deps.uow() as uow:
        await service_objects.set_certified(uow, CITY_SYSTEM, household, False, reason="退出示范", via="test")
    assert await _try_to_submit(h) == [TOLD]
    await _nothing_submitted(h)
