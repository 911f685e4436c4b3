"""An expert with many requests open still gets every screen: within Telegram's limits, all reachable.

In an outbreak one expert can carry dozens of requests. Telegram refuses a message over 4,096
characters or a keyboard over 100 buttons (the offline session refuses them too), so the queue is
paged and the thread switcher offers the conversations most recently active.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.deps import BotDeps
from storage.enums import RequestStatus
from storage.models import Expert, Farmer
from tests import factories
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, buttons, texts
from tests.bot.test_farmer_story import bind_both

OPEN = 130


async def _busy(h: Harness, deps: BotDeps) -> list[int]:
    await bind_both(h)
    async with deps.uow() as uow:
        farmer = await uow.session.scalar(select(Farmer).where(Farmer.telegram_user_id == FARMER))
        expert = await uow.session.scalar(select(Expert).where(Expert.telegram_user_id == EXPERT))
        assert farmer is not None and expert is not None
        ids = [
            (
                await factories.service_request(
                    uow, farmer, status=RequestStatus.in_service, expert_id=expert.id
                )
            ).id
            for _ in range(OPEN)
        ]
        await uow.commit()
    return ids


async def test_the_queue_is_paged_and_every_request_is_reachable(harness: Harness, deps: BotDeps) -> None:
    ids = await _busy(harness, deps)
    sent = await harness.say(EXPERT, "📋 待办请求")
    seen: set[int] = set()
    for _ in range(OPEN):
        [page] = texts(sent, EXPERT)
        seen |= {i for i in ids if f"#{i} " in page}
        forward = [data for label, data in buttons(sent, EXPERT) if "下一页" in label]
        if not forward:
            break
        sent = await harness.press(EXPERT, forward[0])
    assert seen == set(ids)


async def test_the_switcher_offers_the_latest_conversations(harness: Harness, deps: BotDeps) -> None:
    ids = await _busy(harness, deps)
    sent = await harness.say(EXPERT, "建议喷施磷酸二氢钾")
    [question] = texts(sent, EXPERT)
    assert "发给哪" in question and f"另外 {OPEN - 12} 个请求，请直接回复对方发来的消息" in question
    offered = buttons(sent, EXPERT)
    assert len(offered) == 12
    assert any(f"#{ids[-1]} " in label for label, _ in offered)  # the newest is among them
