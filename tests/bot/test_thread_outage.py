"""A conversation message that meets a Telegram outage is kept and relayed later, in order, once.

Before, the message was stored but never reached the other party, and the sender read "抱歉，刚才
出了点问题": a farmer's answer to the expert's question could simply vanish from the conversation.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendLocation, SendMessage, TelegramMethod
from aiogram.types import Update
from sqlalchemy import select

from core import threads
from storage.models import ThreadMessage
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_expert_side import _in_service

QUEUED = "Telegram 暂时连不上，消息已保存在请求 #{id} 的记录里，恢复后会按顺序自动转给对方，不用重发。"


@pytest.mark.parametrize("outage", ["unreachable", "server_failing"])
async def test_messages_written_during_an_outage_arrive_after_it_in_order(
    harness: Harness, outage: str
) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    setattr(h.session, outage, True)
    assert texts(await h.say(FARMER, "叶子背面有小白点")) == []  # not even the note gets through
    setattr(h.session, outage, False)
    # Telegram is back, but the first message has not gone yet: the second must not overtake it.
    sent = await h.say(FARMER, "今天又多了几片")
    assert texts(sent, EXPERT) == []
    assert texts(sent, FARMER) == [QUEUED.format(id=request_id)]

    pushed = await h.pump()
    header = f"💬 <b>#{request_id} 向日葵</b> · 王二牛："
    assert texts(pushed, EXPERT) == [f"{header}\n叶子背面有小白点", f"{header}\n今天又多了几片"]
    assert texts(await h.pump(), EXPERT) == []  # once
    sent = await h.say(FARMER, "谢谢")  # and the conversation goes on directly again
    assert texts(sent, EXPERT) == [f"{header}\n谢谢"]


async def test_a_location_waits_with_its_coordinates(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    h.session.unreachable = True
    await h.location(FARMER, 40.756321, 107.387654)
    h.session.unreachable = False
    pushed = await h.pump()
    [where] = [m for m in pushed if isinstance(m, SendLocation)]
    assert (where.chat_id, where.latitude, where.longitude) == (EXPERT, 40.756321, 107.387654)
    async with h.deps.uow() as uow:
        stored = (await uow.session.scalars(select(ThreadMessage))).all()
    assert [(m.kind, m.text, m.relay_pending) for m in stored][-1] == (
        "location",
        "40.756321,107.387654",
        False,
    )
    card = texts(await h.press(FARMER, f"rq:{request_id}:open"), FARMER)[0]
    assert "我：[位置]" in card and "40.756321" not in card  # the card names it, as before


class ProcessDied(BaseException):
    """The bot's process killed while Telegram had a conversation message (SIGKILL, out of memory):
    a BaseException, so nothing in the bot catches it, as nothing runs after a SIGKILL."""


async def test_a_message_whose_process_died_before_telegram_took_it_is_relayed_after_once(
    harness: Harness,
) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    h.session.fail("sendMessage", ProcessDied())
    with pytest.raises(ProcessDied):
        await h.say(FARMER, "叶子背面有小白点")
    async with h.deps.uow() as uow:
        stored = (await uow.session.scalars(select(ThreadMessage).order_by(ThreadMessage.id))).all()[-1]
    assert (stored.text, stored.relay_pending) == ("叶子背面有小白点", True)  # committed, waiting

    header = f"💬 <b>#{request_id} 向日葵</b> · 王二牛："
    assert texts(await h.pump(), EXPERT) == [f"{header}\n叶子背面有小白点"]
    assert texts(await h.pump(), EXPERT) == []  # once
    async with h.deps.uow() as uow:
        assert (await uow.session.get(ThreadMessage, stored.id)).relay_pending is False  # type: ignore[union-attr]
        # and the copy is linked to the request, so the expert's reply to it is routed there
        assert await threads.request_for_reply(uow, EXPERT, h.session.latest_message_id[EXPERT]) == request_id


async def test_the_pump_leaves_a_message_to_the_live_send_under_way(harness: Harness) -> None:
    """The pump runs every second beside the updates, and a message is stored waiting before its own
    update sends it: while that send is under way (held up in Telegram's retries, say), the pump
    must not send it a second time."""
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    held, release = asyncio.Event(), asyncio.Event()
    answer = h.session.make_request

    async def slow(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:  # noqa: ASYNC109
        if isinstance(method, SendMessage) and method.chat_id == EXPERT and not release.is_set():
            held.set()
            await release.wait()
        return await answer(bot, method, timeout)

    h.session.make_request = slow  # type: ignore[method-assign]
    live = asyncio.create_task(h.dispatcher.feed_update(h.bot, _text_update(h, FARMER, "第一条")))
    async with asyncio.timeout(10):
        await held.wait()
        assert await h.pushes() == 0  # the message waits in the database, but its update has it
        release.set()
        await live
        await h.pushes()
    header = f"💬 <b>#{request_id} 向日葵</b> · 王二牛："
    assert texts(h.session.take(), EXPERT) == [f"{header}\n第一条"]


def _text_update(h: Harness, user_id: int, text: str) -> Update:
    return Update(update_id=next(h._update_ids), message=h._message(user_id, text=text))
