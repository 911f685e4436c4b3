"""The invitation card shows the expert what the farmer gave, the farm's location included; a card
left unanswered is announced as lapsed."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import SendLocation

from core import requests
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, button, texts
from tests.bot.test_farmer_story import PROBLEM, approve, bind_both, describe_and_submit


async def test_the_farmers_location_comes_with_the_invitation(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    asked = await h.say(FARMER, PROBLEM)
    await h.location(FARMER, 40.75, 107.4)
    sent = await h.press(FARMER, button(asked, lambda label, _: label == "✅ 完成"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("1. ")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 选择")))
    await h.press(FARMER, button(sent, lambda label, _: label.startswith("现场咨询")))
    request_id = await h.latest_request_id()
    await approve(h, request_id)
    pushed = await h.pump()
    assert any(f"新的服务邀请 #{request_id}" in text for text in texts(pushed, EXPERT))
    [where] = [m for m in pushed if isinstance(m, SendLocation)]
    assert (where.chat_id, where.latitude, where.longitude) == (EXPERT, 40.75, 107.4)


async def test_the_expert_hears_when_an_invitation_lapses(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    async with h.deps.uow() as uow:
        await requests.expire_invitations(uow, now=h.deps.clock() + timedelta(hours=24, minutes=1))
    pushed = await h.pump()
    assert texts(pushed, EXPERT) == [f"邀请 #{request_id} 超过 24 小时没有答复，已失效，农户会重新选择专家。"]
