"""Completing a service on site: the evidence question neither traps the expert nor swallows the menu."""

from __future__ import annotations

from core import requests
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


async def _completion_reason(h: Harness, request_id: int) -> str | None:
    async with h.deps.uow() as uow:
        [event] = [e for e in await requests.history(uow, request_id) if e.action == "complete"]
    return event.reason


async def test_the_caption_of_the_evidence_photo_is_kept_and_shown(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h, mode_label="现场咨询")
    await h.press(EXPERT, f"cp:{request_id}:onsite_consult")
    # A caption is screened and limited like any text; the question stays open meanwhile.
    sent = await h.photo(EXPERT, "visit-1", caption="顺便问下哪里能买到冰毒")
    assert "「冰*」" in texts(sent)[0]
    sent = await h.photo(EXPERT, "visit-1", caption="看" * 1025)
    assert texts(sent) == ["内容太长了（1025 字），最多 1024 字。请精简后重新发送。"]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.in_service

    sent = await h.photo(EXPERT, "visit-2", caption=" 葵花盘腐病，已指导喷药 <三天后复查> ")
    [done] = texts(sent)
    assert "核销金额 ¥300" in done
    assert done.endswith("\n凭证：现场照片：葵花盘腐病，已指导喷药 &lt;三天后复查&gt;")
    assert await _completion_reason(h, request_id) == "photo:visit-2\n葵花盘腐病，已指导喷药 <三天后复查>"

    # The farmer's record of the request shows it with the completion.
    sent = await h.say(FARMER, "📋 我的请求")
    sent = await h.press(FARMER, button(sent, lambda _, data: data == f"rq:{request_id}:open"))
    assert "已完成，待评价 (现场照片：葵花盘腐病，已指导喷药 &lt;三天后复查&gt;)" in texts(sent)[0]


async def test_a_photo_without_caption_or_a_location_is_evidence_as_before(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h, mode_label="现场咨询")
    await h.press(EXPERT, f"cp:{request_id}:onsite_consult")
    sent = await h.photo(EXPERT, "visit-3")
    assert texts(sent)[0].endswith("\n凭证：现场照片")
    assert await _completion_reason(h, request_id) == "photo:visit-3"
