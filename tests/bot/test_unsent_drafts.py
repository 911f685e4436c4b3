"""A draft the farmer gave up before submitting is not a request they made (issue 17): 我的请求 listed it
as 已取消 among the real ones, as if something sent had been cancelled."""

from __future__ import annotations

from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit


async def _cancel_at_intake(h: Harness, text: str) -> None:
    asked = await h.say(FARMER, text)
    if any(label == "🆕 这是一个新问题" for label, _ in buttons(asked)):  # a request of theirs waits
        asked = await h.press(FARMER, button(asked, lambda label, _: label == "🆕 这是一个新问题"))
    sent = await h.press(FARMER, button(asked, lambda label, _: label == "✅ 完成"))
    await h.press(FARMER, button(sent, lambda label, _: label == "取消"))


async def test_a_draft_cancelled_before_submitting_is_not_listed(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await _cancel_at_intake(h, "我家葵花叶子发黄还有黑斑，种了20亩")
    sent = await h.say(FARMER, "📋 我的请求")
    assert texts(sent) == ["您还没有提交过请求。直接写下问题就可以开始。"]


async def test_only_submitted_requests_are_listed_beside_a_cancelled_draft(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await _cancel_at_intake(h, "我家羊拉稀不吃草，有30只")
    sent = await h.say(FARMER, "📋 我的请求")
    labels = [label for label, _ in buttons(sent)]
    assert labels == [f"#{request_id} 向日葵 · 待审核"]
    assert not any("已取消" in label for label in labels)
