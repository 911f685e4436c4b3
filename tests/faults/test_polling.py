"""The polling loop acknowledges an update only once it was handled (bot.polling).

A stand-in Dispatcher whose handler meets an outage on demand (a refused connection, as from a
stopped database) or a fault in the code; the bot's own error handler decides what is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.types import Message

from bot.middlewares.errors import on_error
from bot.polling import poll
from bot.runner import telegram_session
from render.i18n import Catalog
from tests.faults.telegram_server import TOKEN, FakeTelegram, wait_until

KEPT = "暂时无法处理，您的消息已保留，恢复后会自动处理，不用重发。"
GENERIC = "抱歉，刚才出了点问题，这条消息没能处理，请稍后再试。"
ANNA, BORIS = 501, 502


class Service:
    """What the handler needs; `down` makes it refuse connections like a stopped server."""

    def __init__(self) -> None:
        self.down = False
        self.handled: list[str] = []


@pytest.fixture
async def polling(telegram: FakeTelegram) -> AsyncIterator[Service]:
    service = Service()
    dispatcher = Dispatcher(deps=SimpleNamespace(catalog=Catalog.load()))
    dispatcher.errors.register(on_error)

    @dispatcher.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None
        if message.text == "bug":
            raise ValueError("a fault in the code")
        if service.down:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        service.handled.append(message.text)
        await message.answer(f"ok: {message.text}")

    bot = Bot(TOKEN, session=telegram_session(telegram.base))
    task = asyncio.create_task(poll(dispatcher, bot, timeout=1))
    yield service
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await bot.session.close()


async def test_a_faulty_update_is_answered_and_acknowledged_never_holding_the_queue(
    telegram: FakeTelegram, polling: Service
) -> None:
    faulty, after = telegram.message(ANNA, "bug"), telegram.message(ANNA, "你好")
    await wait_until(lambda: telegram.acknowledged(after), within=20, what="both acknowledged")
    assert telegram.acknowledged(faulty)
    assert telegram.texts(ANNA) == [GENERIC, "ok: 你好"]


async def test_an_update_met_by_an_outage_is_kept_and_handled_after_it_in_order_once(
    telegram: FakeTelegram, polling: Service
) -> None:
    polling.down = True
    first = telegram.message(ANNA, "一")
    second = telegram.message(ANNA, "二")  # must not overtake the first
    boris = telegram.message(BORIS, "三")  # Boris's own update is not held by Anna's
    await wait_until(lambda: KEPT in telegram.texts(ANNA), within=20, what="Anna is told")
    await wait_until(lambda: len(telegram.called("getUpdates")) >= 5, within=20, what="a few retries")
    assert not telegram.acknowledged(first)
    assert polling.handled == [] and telegram.texts(ANNA) == [KEPT]  # told once, not once per retry

    polling.down = False
    await wait_until(lambda: telegram.acknowledged(boris), within=20, what="all acknowledged")
    assert sorted(polling.handled) == sorted(["一", "二", "三"])  # each once
    assert [text for text in polling.handled if text != "三"] == ["一", "二"]  # Anna's in order
    assert telegram.texts(ANNA) == [KEPT, "ok: 一", "ok: 二"]
    assert telegram.texts(BORIS) == [KEPT, "ok: 三"]
    assert telegram.acknowledged(second)
