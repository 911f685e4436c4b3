"""A button pressed twice (a double tap, a retry on a slow network) answers once and raises no error.

The offline session refuses an edit that changes nothing, as Telegram does; the second tap must
leave the message as the first one made it, with no "something went wrong" alert.
"""

from __future__ import annotations

from render.callbacks import RequestCb
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, alerts, button, texts
from tests.bot.test_expert_decline import _invited


async def test_back_on_the_decline_question_twice(harness: Harness) -> None:
    h = harness
    request_id = await _invited(h)
    asked = await h.press(EXPERT, f"iv:{request_id}:decline")
    question = h.session.latest_message_id[EXPERT]
    back = button(asked, lambda label, _: label.startswith("↩️"))
    first = await h.press(EXPERT, back, message_id=question)
    assert texts(first) and alerts(first) == []
    second = await h.press(EXPERT, back, message_id=question)
    assert alerts(second) == [] and texts(second) == []


async def test_keep_the_request_twice(harness: Harness) -> None:
    h = harness
    request_id = await _invited(h)
    await h.press(FARMER, RequestCb(request_id=request_id, action="cancel").pack())
    question = h.session.latest_message_id[FARMER]
    keep = RequestCb(request_id=request_id, action="cancel_no").pack()
    first = await h.press(FARMER, keep, message_id=question)
    assert texts(first) and alerts(first) == []
    second = await h.press(FARMER, keep, message_id=question)
    assert alerts(second) == [] and texts(second) == []
