"""The expert's buttons: pressed again, they tell what became of the request (not that it expired);
in the queue, each one names its request."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod

from tests.bot.conftest import EXPERT
from tests.bot.harness import Harness, buttons, texts
from tests.bot.test_expert_side import _in_service
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit


def _alert(sent: list[TelegramMethod[Any]]) -> str | None:
    [answer] = [m for m in sent if isinstance(m, AnswerCallbackQuery)]
    return answer.text


async def test_the_card_pressed_again_after_accepting_says_it_is_accepted(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    for action in ("accept", "decline"):
        sent = await h.press(EXPERT, f"iv:{request_id}:{action}")
        assert _alert(sent) == f"您已接受请求 #{request_id}，服务正在进行中。"


async def test_completing_twice_says_it_is_completed(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.press(EXPERT, f"cp:{request_id}:video")  # the mode the farmer chose
    sent = await h.press(EXPERT, f"cp:{request_id}:video")  # the mode the farmer chose
    assert texts(sent) == [f"请求 #{request_id} 已经完成了。"]
    sent = await h.press(EXPERT, f"iv:{request_id}:accept")
    assert _alert(sent) == f"请求 #{request_id} 已经完成了。"


async def test_each_decline_button_in_the_queue_names_its_request(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    sent = await h.say(EXPERT, "📋 待办请求")
    assert buttons(sent) == [
        (f"✅ 接受 #{request_id}", f"iv:{request_id}:accept"),
        (f"❌ 拒绝 #{request_id}", f"iv:{request_id}:decline"),
    ]
