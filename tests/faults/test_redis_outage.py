"""Redis (conversation state, REDIS_URL) stops while a farmer is filling in the intake form, then
starts again: the step the farmer made meanwhile is not lost, and the balance check is answered.

Before, every update failed while Redis was away, even a balance check, and was acknowledged to
Telegram unhandled: the form step was gone.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.deps import BotDeps
from bot.factory import fsm_storage
from bot.runner import run_polling
from dialogs import routers
from jingfu.settings import RedisSettings
from storage.models import ServiceRequest
from tests.bot.conftest import OTHER_FARMER
from tests.faults.conftest import bot_deps_on, world_in_service
from tests.faults.services import PrivateRedis
from tests.faults.telegram_server import TOKEN, FakeTelegram, wait_until

KEPT = "暂时无法处理，您的消息已保留，恢复后会自动处理，不用重发。"
LOCATION = {"latitude": 40.75, "longitude": 107.4}


async def test_a_form_step_made_while_redis_is_down_is_taken_after_it_returns(
    private_redis: PrivateRedis, sqlite_url: str, telegram: FakeTelegram
) -> None:
    async with bot_deps_on(sqlite_url) as deps:
        await world_in_service(deps)
        bot = asyncio.create_task(
            run_polling(
                TOKEN,
                deps,
                routers(),
                api_base=telegram.base,
                storage=fsm_storage(private_redis.url, RedisSettings()),
            )
        )
        try:
            await _outage(private_redis, telegram)
        finally:
            bot.cancel()
            await asyncio.gather(bot, return_exceptions=True)
        await _location_stored(deps)


async def _outage(private_redis: PrivateRedis, telegram: FakeTelegram) -> None:
    described = telegram.message(OTHER_FARMER, "羊羔拉稀不吃奶")
    await wait_until(
        lambda: any("照片" in t for t in telegram.texts(OTHER_FARMER)), within=60, what="photos asked"
    )
    # Done with, its lock released: Redis stopped while it held the person's lock would keep the lock
    # (persisted) and hold their next update until the lock expires, 60 s later.
    await wait_until(
        lambda: telegram.acknowledged(described), within=30, what="the description is acknowledged"
    )

    private_redis.stop()
    step = telegram.message(OTHER_FARMER, location=LOCATION)  # the form's next step
    balance = telegram.message(OTHER_FARMER, "/balance")
    await wait_until(lambda: KEPT in telegram.texts(OTHER_FARMER), within=30, what="the farmer is told")
    assert not telegram.acknowledged(step)
    private_redis.start()

    await wait_until(
        lambda: telegram.acknowledged(balance), within=60, what="both acknowledged after Redis returns"
    )
    shown = telegram.texts(OTHER_FARMER)
    assert shown.count(KEPT) == 1, shown
    after = shown[shown.index(KEPT) + 1 :]
    assert after[0] == "位置已收到。", after  # still inside the same form, the step taken in order
    assert any("服务券余额" in text for text in after), after


async def _location_stored(deps: BotDeps) -> None:
    async with deps.uow() as uow:
        drafts = (await uow.session.execute(select(ServiceRequest.latitude, ServiceRequest.longitude))).all()
    assert (LOCATION["latitude"], LOCATION["longitude"]) in [tuple(row) for row in drafts]
