"""Telegram failing for a moment (429, 500, a timeout) costs nobody their answer, on every kind of send.

Before, a reply had one try: one 429 or one 500 turned the answer into "抱歉，刚才出了点问题", and
with three 500s the person got nothing. Now the session tries every call again
(bot.middlewares.retry_sends); the harness records the pauses instead of sleeping them.
"""

from __future__ import annotations

import logging

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendPhoto

from bot.middlewares.retry_sends import CALLBACK_PAUSES_S, PAUSES_S
from bot.offline_session import Failure
from core import advisories
from core.scope import CITY_SYSTEM
from render.callbacks import RequestCb
from render.i18n import Catalog
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, alerts, texts
from tests.bot.test_advisories import _bind_everyone, _publish
from tests.bot.test_expert_side import _in_service
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit

# From the catalog, so a change of wording cannot turn the checks against it into checks of nothing.
GENERIC = Catalog.load().translator("zh_CN")("error.generic")
BALANCE = "服务券余额：可用"


async def test_a_reply_met_by_flood_control_waits_and_arrives(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    h.session.retry_after = 3
    h.session.fail("sendMessage", "429")
    [reply] = texts(await h.say(FARMER, "💳 服务券余额"))
    assert reply.startswith(BALANCE)
    assert h.waits == [3]  # as long as Telegram asked, once


@pytest.mark.parametrize("failure", ["500", "timeout"])
async def test_a_reply_after_three_failures_arrives_once(harness: Harness, failure: Failure) -> None:
    h = harness
    await bind_both(h)
    h.session.fail("sendMessage", *[failure] * 3)
    [reply] = texts(await h.say(FARMER, "💳 服务券余额"))
    assert reply.startswith(BALANCE)
    assert h.waits == list(PAUSES_S[:3])


async def test_telegram_down_ends_the_update_in_bounded_time_with_nothing_sent(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await bind_both(h)
    h.session.server_failing = True
    with caplog.at_level(logging.WARNING):
        sent = await h.say(FARMER, "💳 服务券余额")
    assert sent == []
    # Five tries of the reply, about 10 s of pauses; the error reply is not tried on top of them:
    # it would meet the same Telegram.
    assert h.waits == list(PAUSES_S) and sum(h.waits) <= 12
    assert "sendMessage to chat 10001: Telegram server says - Bad Gateway, try 5; giving up" in caplog.text
    h.session.server_failing = False
    [reply] = texts(await h.say(FARMER, "💳 服务券余额"))  # and the bot goes on once Telegram is back
    assert reply.startswith(BALANCE)


async def test_a_button_answer_and_an_edit_survive_a_500(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    h.session.fail("answerCallbackQuery", "500")
    h.session.fail("editMessageText", "timeout", "500")
    sent = await h.press(FARMER, RequestCb(request_id=request_id, action="cancel_no").pack())
    [edit] = [m for m in sent if isinstance(m, EditMessageText)]
    assert edit.text == f"请求 #{request_id} 没有取消。"
    assert len([m for m in sent if isinstance(m, AnswerCallbackQuery)]) == 1
    assert alerts(sent) == [] and GENERIC not in texts(sent)
    assert h.waits == [PAUSES_S[0], PAUSES_S[1], CALLBACK_PAUSES_S[0]]


async def test_a_button_answer_is_given_up_quickly(harness: Harness) -> None:
    """Telegram takes a press's answer for a few seconds only: a few short tries, then the chat."""
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    h.session.fail("answerCallbackQuery", "500", "500", "500")
    sent = await h.press(FARMER, RequestCb(request_id=request_id, action="cancel_no").pack())
    assert sum(h.waits) < 2
    assert [m.text for m in sent if isinstance(m, EditMessageText)] == [f"请求 #{request_id} 没有取消。"]


async def test_a_photo_relayed_in_a_conversation_survives_failures(harness: Harness) -> None:
    h = harness
    await _in_service(h)
    await h.pump()
    h.session.fail("sendPhoto", "429", "500")
    sent = await h.photo(FARMER, "photo-1", caption="叶背面")
    assert [m.photo for m in sent if isinstance(m, SendPhoto) and m.chat_id == EXPERT] == ["photo-1"]
    assert not any("Telegram 暂时连不上" in text for text in texts(sent, FARMER))


async def test_a_push_is_tried_by_the_session_only_and_kept_while_telegram_is_down(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    h.session.server_failing = True
    assert await h.pump() == []
    # One call's tries (the session's), not the session's tries again for each of bot.outbound's.
    assert h.waits == list(PAUSES_S)
    h.session.server_failing = False
    h.session.fail("sendMessage", "500")  # and one more failure on the next round: tried again
    pushed = await h.pump()
    assert len([text for text in texts(pushed, FARMER) if f"请求 #{request_id} 已通过审核" in text]) == 1


async def test_an_advisory_copy_survives_a_flood_wait(harness: Harness) -> None:
    h = harness
    await _bind_everyone(h)
    advisory_id = await _publish(h, "大风降温预警\n明后两天有大风，请加固大棚", None)
    async with h.deps.uow() as uow:
        await advisories.approve_advisory(uow, advisory_id, CITY_SYSTEM, via="test")
    h.session.fail("sendMessage", "429", "500")
    pushed = await h.pump()
    assert len([text for text in texts(pushed, FARMER) if "大风降温预警" in text]) == 1
