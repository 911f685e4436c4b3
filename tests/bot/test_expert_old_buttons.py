"""Old buttons pressed again: the expert is told what became of the request, not that it expired."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod

from tests.bot.conftest import EXPERT
from tests.bot.harness import Harness, texts
from tests.bot.test_expert_side import _in_service


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
    await h.press(EXPERT, f"cp:{request_id}:online")
    sent = await h.press(EXPERT, f"cp:{request_id}:online")
    assert texts(sent) == [f"请求 #{request_id} 已经完成了。"]
    sent = await h.press(EXPERT, f"iv:{request_id}:accept")
    assert _alert(sent) == f"请求 #{request_id} 已经完成了。"
