"""PostgreSQL stops while farmers and an expert write, then starts again: nothing they sent is lost.

Before, each update that met the outage was answered "您的信息没有丢失", acknowledged to Telegram
(the polling offset moved past it) and never handled: after recovery the text was nowhere. Here the
real bot polls a stand-in Bot API over HTTP, against a private PostgreSQL the test stops and starts.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.runner import run_polling
from dialogs import routers
from render.callbacks import IntakeCb
from storage.enums import RequestStatus
from storage.models import ProcessedUpdate, ServiceRequest, ThreadMessage
from tests.bot.conftest import EXPERT, FARMER, OTHER_FARMER
from tests.faults.conftest import bot_deps_on, world_in_service
from tests.faults.services import PrivatePostgres
from tests.faults.telegram_server import TOKEN, FakeTelegram, wait_until

KEPT = "暂时无法处理，您的消息已保留，恢复后会自动处理，不用重发。"
NEW_PROBLEM = "补充：叶背面有灰色霉层"  # OTHER_FARMER has no request: this starts one
TO_EXPERT = "叶背面有灰色霉层，今天又多了几片"
TO_FARMER = "收到，明天上午我去地里看看"
CANCELLED = "已取消这次提问。"
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


async def test_updates_sent_while_the_database_is_down_are_handled_after_it_returns(
    private_postgres: PrivatePostgres, postgres_url: str, telegram: FakeTelegram
) -> None:
    async with bot_deps_on(postgres_url) as deps:
        await _outage(private_postgres, telegram, deps)


async def _outage(private_postgres: PrivatePostgres, telegram: FakeTelegram, deps: BotDeps) -> None:
    request_id = await world_in_service(deps)
    bot = asyncio.create_task(run_polling(TOKEN, deps, routers(), api_base=telegram.base))
    try:
        await wait_until(lambda: len(telegram.called("getUpdates")) >= 1, within=60, what="the bot polls")

        private_postgres.stop()
        sent = [
            telegram.message(OTHER_FARMER, NEW_PROBLEM),
            telegram.message(FARMER, TO_EXPERT),
            telegram.message(EXPERT, TO_FARMER),
            telegram.message(FARMER, "/balance"),
        ]
        # Each sender hears once that the message is kept (not once per retry).
        await wait_until(
            lambda: all(KEPT in telegram.texts(who) for who in (OTHER_FARMER, FARMER, EXPERT)),
            within=30,
            what="each sender is told the message is kept",
        )
        assert not any(telegram.acknowledged(update_id) for update_id in sent)
        private_postgres.start()

        await wait_until(
            lambda: all(telegram.acknowledged(update_id) for update_id in sent),
            within=60,
            what="every update is acknowledged after the database returns",
        )
        await wait_until(
            lambda: any("服务券余额" in text for text in telegram.texts(FARMER)),
            within=30,
            what="the balance is answered",
        )
    finally:
        bot.cancel()
        await asyncio.gather(bot, return_exceptions=True)

    for who in (OTHER_FARMER, FARMER, EXPERT):
        assert telegram.texts(who).count(KEPT) == 1, telegram.texts(who)
    relayed = Counter(c.text for c in telegram.sent() if c.chat_id in (FARMER, EXPERT))
    assert sum(n for text, n in relayed.items() if TO_EXPERT in text) == 1
    assert sum(n for text, n in relayed.items() if TO_FARMER in text) == 1
    async with deps.uow() as uow:
        handled = set(await uow.session.scalars(select(ProcessedUpdate.update_id)))
        stored = Counter(await uow.session.scalars(select(ThreadMessage.text)))
        new_requests = list(
            await uow.session.scalars(
                select(ServiceRequest.description).where(ServiceRequest.id != request_id)
            )
        )
        total = await uow.session.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert set(sent) <= handled
    assert total == len(handled)
    assert stored[TO_EXPERT] == 1 and stored[TO_FARMER] == 1
    assert len(new_requests) == 1 and NEW_PROBLEM in (new_requests[0] or "")  # one draft, with the text


async def test_button_presses_met_by_the_outage_are_acted_on_after_it(
    private_postgres: PrivatePostgres, postgres_url: str, telegram: FakeTelegram
) -> None:
    """A press while the database is down, and a press whose handler had answered it (and so had
    committed the update's claim alone) when the database went: both are acted on after it returns,
    though Telegram by then refuses to answer the old press a second time."""
    async with bot_deps_on(postgres_url) as deps:
        await world_in_service(deps)
        bot = asyncio.create_task(run_polling(TOKEN, deps, routers(), api_base=telegram.base))
        try:
            await wait_until(lambda: len(telegram.called("getUpdates")) >= 1, within=60, what="the bot polls")
            first = await _draft(telegram, deps)
            private_postgres.stop()
            pressed = telegram.press(OTHER_FARMER, IntakeCb(request_id=first, action="cancel").pack())
            await wait_until(
                lambda: KEPT in telegram.texts(OTHER_FARMER), within=30, what="the farmer is told"
            )
            telegram.fail("answerCallbackQuery", 9, status=400, description=TOO_OLD)
            private_postgres.start()
            await wait_until(
                lambda: telegram.acknowledged(pressed), within=60, what="the press is acknowledged"
            )
            await wait_until(lambda: CANCELLED in telegram.texts(OTHER_FARMER), within=30, what="cancelled")

            telegram.heal()
            second = await _draft(telegram, deps)
            telegram.fail("answerCallbackQuery", hold=True)
            answers = len(telegram.called("answerCallbackQuery"))
            pressed = telegram.press(OTHER_FARMER, IntakeCb(request_id=second, action="cancel").pack())
            await wait_until(
                lambda: len(telegram.called("answerCallbackQuery")) > answers,
                within=30,
                what="the press is answered",
            )
            private_postgres.stop()
            telegram.release()
            await wait_until(
                lambda: telegram.texts(OTHER_FARMER).count(KEPT) == 2, within=30, what="told again"
            )
            private_postgres.start()
            await wait_until(
                lambda: telegram.acknowledged(pressed), within=60, what="the press is acknowledged"
            )
            await wait_until(
                lambda: telegram.texts(OTHER_FARMER).count(CANCELLED) == 2, within=30, what="cancelled too"
            )
        finally:
            bot.cancel()
            await asyncio.gather(bot, return_exceptions=True)
        async with deps.uow() as uow:
            statuses = dict(
                (await uow.session.execute(select(ServiceRequest.id, ServiceRequest.status))).all()
            )
        assert statuses[first] is statuses[second] is RequestStatus.cancelled


async def _draft(telegram: FakeTelegram, deps: BotDeps) -> int:
    """OTHER_FARMER describes a problem; the draft's id."""
    asked = len(telegram.texts(OTHER_FARMER))
    telegram.message(OTHER_FARMER, "羊羔拉稀不吃奶")
    await wait_until(
        lambda: any("照片" in t for t in telegram.texts(OTHER_FARMER)[asked:]), within=60, what="photos asked"
    )
    async with deps.uow() as uow:
        newest = await uow.session.scalar(select(func.max(ServiceRequest.id)))
    assert newest is not None
    return int(newest)
