"""Long words from users still leave every screen within Telegram's 4,096 characters.

The offline session refuses an over-long message as Telegram does (bot.telegram_limits): a screen
built from users' texts without a bound would fail for good, every time it is opened.
"""

from __future__ import annotations

from aiogram.methods import SendMessage

from dialogs.fitting import fitted, shortened
from render.callbacks import RequestCb
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_expert_side import _in_service


async def test_the_request_card_opens_after_a_long_conversation(harness: Harness) -> None:
    request_id = await _in_service(harness)
    await harness.pump()
    for n in range(6):
        await harness.say(EXPERT, f"第{n}条建议：" + "先把病叶摘除并带出田外销毁，" * 120)
        await harness.say(FARMER, f"第{n}个问题：" + "叶子背面也有黑点，" * 200)
    sent = await harness.press(FARMER, RequestCb(request_id=request_id, action="open").pack())
    [card] = [m for m in sent if isinstance(m, SendMessage) and m.chat_id == FARMER]
    assert f"#{request_id}" in card.text and "向日葵" in card.text
    assert "第5条建议" in card.text and "第5个问题" in card.text  # the latest words are kept
    assert not any("出了点问题" in text for text in texts(sent, FARMER))


def test_the_oldest_lines_of_the_longest_section_go_first() -> None:
    history = [f"• 事件{n}" for n in range(3)]
    said = [f"{n}:" + "字" * 40 for n in range(5)]
    card = fitted("卡片", [(None, history), ("<b>对话</b>", said)], limit=150)
    assert len(card) <= 150
    assert card.startswith("卡片\n• 事件0\n• 事件1\n• 事件2\n<b>对话</b>\n…\n")
    assert card.endswith(said[-1]) and said[0] not in card


def test_a_card_that_fits_is_left_whole() -> None:
    assert fitted("卡片", [(None, ["a"]), ("标题", [])]) == "卡片\na"
    assert shortened("字" * 300) == "字" * 300 and shortened("字" * 301) == "字" * 299 + "…"
