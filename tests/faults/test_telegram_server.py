"""The fake Bot API answers aiogram's real HTTP session as Telegram would, faults included."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates

from bot.runner import telegram_session
from tests.faults.telegram_server import TOKEN, FakeTelegram


async def test_calls_are_answered_recorded_and_faulted(telegram: FakeTelegram) -> None:
    bot = Bot(TOKEN, session=telegram_session(telegram.base))
    try:
        assert (await bot.get_me()).username == "jingfu_bot"
        sent = await bot.send_message(7, "你好")
        assert sent.chat.id == 7 and sent.text == "你好"
        telegram.fail("sendMessage", status=429, retry_after=3)
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(7, "again")
        assert caught.value.retry_after == 3
        telegram.fail("sendMessage", status=500)
        with pytest.raises(TelegramServerError):
            await bot.send_message(7, "again")
        telegram.press(7, "menu")
        [press] = await bot(GetUpdates(timeout=0))
        assert press.callback_query is not None
        assert await bot.answer_callback_query(press.callback_query.id, "ok") is True
        assert telegram.texts(7) == ["你好", "ok"]
    finally:
        await bot.session.close()


async def test_updates_stay_queued_until_an_offset_confirms_them(telegram: FakeTelegram) -> None:
    bot = Bot(TOKEN, session=telegram_session(telegram.base))
    try:
        first = telegram.message(7, "一")
        second = telegram.message(7, "二")
        updates = await bot(GetUpdates(timeout=0))
        assert [u.update_id for u in updates] == [first, second]
        assert [u.message.text for u in updates if u.message] == ["一", "二"]
        again = await bot(GetUpdates(offset=second, timeout=0))  # the first is confirmed, not the second
        assert [u.update_id for u in again] == [second]
        assert telegram.acknowledged(first) and not telegram.acknowledged(second)
        assert await bot(GetUpdates(offset=second + 1, timeout=0)) == []
    finally:
        await bot.session.close()
