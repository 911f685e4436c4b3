"""A bot's first start pushes what the last day owes people, not the whole history.

The reviewer may approve from the CLI before the bot ever runs: that invitation is still owed to
the expert. An invitation approved three days ago expired long since; pushing its card now (with
an Accept that can only fail) would confuse. Before, a first start announced every event ever.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.runner import notifier_pump
from core import requests
from core.scope import CITY_SYSTEM
from storage.enums import ServiceMode
from storage.models import Cursor, ServiceRequest
from tests.bot.conftest import EXPERT
from tests.bot.harness import Harness, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit


async def test_a_first_start_pushes_the_last_day_only(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    now = h.deps.clock()
    old = await describe_and_submit(h)  # to 王建国, the expert bound here
    async with h.deps.uow() as uow:
        first = await uow.session.get(ServiceRequest, old)
        assert first is not None and first.expert_id is not None
        draft = await requests.create_draft(uow, first.farmer_id, description="番茄叶子卷曲，种了5亩")
        fresh = draft.id
        await requests.submit(
            uow, fresh, first.farmer_id, expert_id=first.expert_id, mode=ServiceMode.online, now=now
        )
        await requests.approve(uow, old, CITY_SYSTEM, now=now - timedelta(days=3))
        await uow.commit()
        await requests.approve(uow, fresh, CITY_SYSTEM, now=now - timedelta(hours=1))
        await uow.commit()
        await uow.session.execute(delete(Cursor))  # the bot has never run on this database
        await uow.commit()

    h.session.take()
    await notifier_pump(h.bot, h.deps)()
    invited = [text for text in texts(h.session.take(), EXPERT) if "新的服务邀请" in text]
    assert len(invited) == 1 and f"#{fresh}" in invited[0]
