"""What the farmer is told about when review comes (Art. 14(3): duty 09:00–12:00 and 15:00–18:00)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from tests.bot.conftest import EVENING, FARMER
from tests.bot.harness import Harness, button, texts
from tests.bot.test_farmer_story import PROBLEM, bind_both

# 10:30 in Bayannur, the same Tuesday: a reviewer is on duty.
MORNING = datetime(2031, 6, 3, 2, 30, tzinfo=UTC)


def _starting_with(prefix: str) -> Callable[[str, str], bool]:
    return lambda label, _: label.startswith(prefix)


async def _submitted(h: Harness) -> str:
    """Describe, confirm, choose the first expert and online answer: what the farmer is told."""
    await bind_both(h)
    sent = await h.say(FARMER, PROBLEM)
    for label in ("✅ 完成", "✅ 确认", "1. ", "✅ 选择", "线上解答", "✅ 确认提交"):
        sent = await h.press(FARMER, button(sent, _starting_with(label)))
    return texts(sent)[0]


async def test_a_submission_during_duty_hours_is_told_review_is_now(harness: Harness) -> None:
    harness.deps.clock = lambda: MORNING
    told = await _submitted(harness)
    assert "已提交" in told and "预计审核时间：<b>现在，审核员正在值班</b>" in told


async def test_a_submission_after_18_is_told_tomorrow_9(harness: Harness) -> None:
    assert harness.deps.clock() == EVENING
    told = await _submitted(harness)
    assert "已提交" in told and "预计审核时间：<b>明天 09:00</b>" in told
