"""The invitation card shows the expert what the farmer gave, the farm's location included (a card
left unanswered is announced as lapsed: tests/bot/test_edges.py, the expiry test)."""

from __future__ import annotations

import pytest
from aiogram.methods import SendLocation

from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_farmer_story import PROBLEM, approve, bind_both, submit_draft


async def test_the_farmers_location_comes_with_the_invitation(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    asked = await h.say(FARMER, PROBLEM)
    await h.location(FARMER, 40.75, 107.4)
    request_id = await submit_draft(h, asked, mode_label="现场咨询")
    await approve(h, request_id)
    pushed = await h.pump()
    assert any(f"新的服务邀请 #{request_id}" in text for text in texts(pushed, EXPERT))
    [where] = [m for m in pushed if isinstance(m, SendLocation)]
    assert (where.chat_id, where.latitude, where.longitude) == (EXPERT, 40.75, 107.4)


@pytest.mark.parametrize("outage", ["unreachable", "server_failing"])  # no connection; 502 Bad Gateway
async def test_a_telegram_outage_delays_the_invitation_and_the_approval_instead_of_losing_them(
    harness: Harness, outage: str
) -> None:
    h = harness
    await bind_both(h)
    request_id = await submit_draft(h, await h.say(FARMER, PROBLEM))
    await approve(h, request_id)
    setattr(h.session, outage, True)
    assert await h.pump() == []  # nothing got through, and nothing was given up either
    setattr(h.session, outage, False)
    pushed = await h.pump()
    assert any(f"新的服务邀请 #{request_id}" in text for text in texts(pushed, EXPERT))
    assert any(f"#{request_id}" in text and "通过" in text for text in texts(pushed, FARMER))
    assert await h.pump() == []  # and only once
