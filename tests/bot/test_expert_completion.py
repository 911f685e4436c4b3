"""Completing a service on site: the evidence question neither traps the expert nor swallows the menu."""

from __future__ import annotations

from storage.enums import RequestStatus
from storage.models import ServiceRequest
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, button, texts
from tests.bot.test_expert_side import _in_service


async def test_the_evidence_question_can_be_cancelled_and_the_thread_works_again(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h, mode_label="现场咨询")
    await h.pump()
    sent = await h.press(EXPERT, f"cp:{request_id}:onsite_consult")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "取消，先不完成"))
    assert texts(sent) == [f"已取消完成，请求 #{request_id} 仍在服务中，可以继续和农户交流。"]
    sent = await h.say(EXPERT, "明天上午到地里看看")
    assert texts(sent, FARMER) == [f"💬 <b>#{request_id} 向日葵</b> · 王建国：\n明天上午到地里看看"]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.in_service


async def test_the_menu_works_while_the_evidence_is_awaited(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h, mode_label="现场咨询")
    await h.press(EXPERT, f"cp:{request_id}:onsite_consult")
    sent = await h.say(EXPERT, "📊 我的统计")
    assert "已完成服务：0 次" in texts(sent)[0]
    # The question is still open: the location completes the service.
    sent = await h.location(EXPERT, 40.76, 107.41)
    assert "核销金额 ¥300" in texts(sent)[0]
