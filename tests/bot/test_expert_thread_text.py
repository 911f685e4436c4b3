"""What the farmer sees of an expert's message: the expert's own words, whatever characters or
length they have."""

from __future__ import annotations

from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_expert_side import _in_service


async def test_angle_brackets_and_ampersands_reach_the_farmer_as_written(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    sent = await h.say(EXPERT, "土壤pH<7.5时用量<5公斤/亩，氮&磷配合")
    # The bot speaks HTML to Telegram: escaped here is what renders as the expert wrote it.
    assert texts(sent, FARMER) == [
        f"💬 <b>#{request_id} 向日葵</b> · 王建国：\n土壤pH&lt;7.5时用量&lt;5公斤/亩，氮&amp;磷配合"
    ]


async def test_a_full_length_message_is_relayed_within_telegram_limits(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    long_answer = "防治方法：" + "喷施多菌灵，七天一次。" * 370  # near Telegram's 4,096
    assert len(long_answer) <= 4096
    sent = await h.say(EXPERT, long_answer)
    received = texts(sent, FARMER)
    assert received == [f"💬 <b>#{request_id} 向日葵</b> · 王建国：", long_answer]
    assert all(len(text) <= 4096 for text in received)
