"""Money moves only with the farmer's yes: a summary before the voucher is held, a place before an
on-site visit, and the farmer's agreement before a completion in another mode is captured (issue 17)."""

from __future__ import annotations

from typing import Any

from aiogram.methods import TelegramMethod
from sqlalchemy import select

from core import requests
from storage.enums import RequestStatus
from storage.models import Expert, ServiceRequest
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, alerts, button, buttons, texts
from tests.bot.test_edges import balance_text
from tests.bot.test_expert_side import _in_service
from tests.bot.test_farmer_story import PROBLEM, bind_both


async def _to_the_modes(h: Harness, text: str = PROBLEM) -> tuple[int, list[TelegramMethod[Any]]]:
    """Describe, skip photos, confirm, first suggestion, choose it: the request, and the mode buttons."""
    sent = await h.say(FARMER, text)
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("1. ")))
    modes = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 选择")))
    return await h.latest_request_id(), modes


async def _status(h: Harness, request_id: int) -> RequestStatus:
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None
        return request.status


async def test_choosing_a_mode_shows_what_will_be_held_and_holds_nothing_until_confirmed(
    harness: Harness,
) -> None:
    h = harness
    await bind_both(h)
    request_id, modes = await _to_the_modes(h)
    sent = await h.press(FARMER, button(modes, lambda label, _: label == "视频解答 ¥100"))
    [summary] = texts(sent)
    assert "王建国" in summary and "视频解答" in summary and "¥100" in summary
    assert "冻结后服务券可用余额：¥500" in summary
    assert [label for label, _ in buttons(sent)] == ["✅ 确认提交", "更换服务方式", "更换专家"]
    # Nothing held, nothing submitted yet.
    assert await _status(h, request_id) is RequestStatus.draft
    assert "可用 <b>¥600</b>，冻结中 ¥0" in await balance_text(h)

    # Changing the mode shows the modes again; still nothing held.
    again = await h.press(FARMER, button(sent, lambda label, _: label == "更换服务方式"))
    assert any(label == "线上解答 ¥50" for label, _ in buttons(again))
    sent = await h.press(FARMER, button(again, lambda label, _: label == "线上解答 ¥50"))
    assert "冻结后服务券可用余额：¥550" in texts(sent)[0]
    assert await _status(h, request_id) is RequestStatus.draft

    # Confirmed: submitted, ¥50 held.
    confirm = button(sent, lambda label, _: label == "✅ 确认提交")
    sent = await h.press(FARMER, confirm)
    assert "冻结 ¥50" in texts(sent)[0]
    assert await _status(h, request_id) is RequestStatus.pending_review
    assert "可用 <b>¥550</b>，冻结中 ¥50" in await balance_text(h)

    # The summary's confirm pressed again holds nothing more, and says why.
    sent = await h.press(FARMER, confirm)
    assert alerts(sent) == [f"请求 #{request_id} 已经提交了，不用再确认。进度请看【📋 我的请求】。"]
    assert "可用 <b>¥550</b>，冻结中 ¥50" in await balance_text(h)


async def _first_expert(h: Harness) -> int:
    async with h.deps.uow() as uow:
        expert = await uow.session.scalar(select(Expert).where(Expert.name == "王建国"))
        assert expert is not None
        return expert.id


async def test_an_on_site_mode_asks_where_before_the_summary(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id, _ = await _to_the_modes(h)
    expert_id = await _first_expert(h)
    sent = await h.press(FARMER, f"md:{request_id}:{expert_id}:onsite_consult")
    [question] = texts(sent)
    assert "位置" in question and "村" in question
    assert await _status(h, request_id) is RequestStatus.draft

    # A village name is a place: the summary shows it, and confirming submits with it.
    sent = await h.say(FARMER, "狼山镇新丰村三社")
    [summary] = texts(sent)
    assert "现场咨询" in summary and "地点：狼山镇新丰村三社" in summary
    assert "冻结后服务券可用余额：¥300" in summary
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 确认提交"))
    assert "冻结 ¥300" in texts(sent)[0]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.place == "狼山镇新丰村三社"
        assert request.status is RequestStatus.pending_review


async def test_a_shared_location_answers_where_too(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id, _ = await _to_the_modes(h)
    expert_id = await _first_expert(h)
    await h.press(FARMER, f"md:{request_id}:{expert_id}:onsite_consult")
    sent = await h.location(FARMER, 40.75, 107.4)
    assert "地点：已发送位置" in texts(sent)[0]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.latitude == 40.75 and request.status is RequestStatus.draft


async def test_an_on_site_mode_with_a_location_already_given_goes_to_the_summary(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, PROBLEM)
    await h.location(FARMER, 40.75, 107.4)
    request_id = await h.latest_request_id()
    expert_id = await _first_expert(h)
    sent = await h.press(FARMER, f"md:{request_id}:{expert_id}:onsite_consult")
    assert "请确认" in texts(sent)[0]


async def _held_and_status(h: Harness, request_id: int) -> tuple[str, RequestStatus]:
    return await balance_text(h), await _status(h, request_id)


async def test_a_completion_in_another_mode_waits_for_the_farmers_yes(harness: Harness) -> None:
    """The farmer chose 视频解答 ¥100; the expert completes as 线上解答. Nothing is captured until the
    farmer agrees in the bot; then the fee of the mode delivered (¥50) is."""
    h = harness
    request_id = await _in_service(h)  # 视频解答, ¥100 held
    await h.pump()
    sent = await h.press(EXPERT, f"cp:{request_id}:online")
    [told] = texts(sent)
    assert "线上解答" in told and "视频解答" in told and "已请农户确认" in told and "核销金额" not in told
    balance, status = await _held_and_status(h, request_id)
    assert "冻结中 ¥100" in balance and status is RequestStatus.in_service

    pushed = await h.pump()
    [question] = texts(pushed, FARMER)
    assert "视频解答" in question and "线上解答" in question and "¥50" in question
    agree = button(pushed, lambda label, _: label.startswith("✅ 同意"))
    assert any(label.startswith("❌ 不同意") for label, _ in buttons(pushed))

    sent = await h.press(FARMER, agree)
    pushed = await h.pump()
    assert any("服务已完成（线上解答），服务券扣除 ¥50" in text for text in texts(pushed, FARMER))
    assert any("核销金额 ¥50" in text for text in texts(pushed, EXPERT))
    balance, status = await _held_and_status(h, request_id)
    assert "可用 <b>¥550</b>，冻结中 ¥0" in balance and status is RequestStatus.completed

    # The same button again: answered, and nothing moves.
    sent = await h.press(FARMER, agree)
    assert alerts(sent) == [f"请求 #{request_id} 的服务方式已经确认过了，不用再选。"]
    assert "可用 <b>¥550</b>，冻结中 ¥0" in await balance_text(h)


async def test_a_farmer_who_disagrees_pays_nothing_and_the_expert_completes_as_chosen(
    harness: Harness,
) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    await h.press(EXPERT, f"cp:{request_id}:online")
    pushed = await h.pump()
    sent = await h.press(FARMER, button(pushed, lambda label, _: label.startswith("❌ 不同意")))
    assert "没有扣费" in texts(sent)[0]
    balance, status = await _held_and_status(h, request_id)
    assert "冻结中 ¥100" in balance and status is RequestStatus.in_service

    pushed = await h.pump()
    [told] = texts(pushed, EXPERT)
    assert "不同意" in told and "线上解答" in told
    # The expert completes as the farmer chose: no question, ¥100 captured.
    sent = await h.press(EXPERT, button(pushed, lambda label, _: label.startswith(f"完成 #{request_id}")))
    assert "核销金额 ¥100" in texts(sent)[0]
    balance, status = await _held_and_status(h, request_id)
    assert "可用 <b>¥500</b>，冻结中 ¥0" in balance and status is RequestStatus.completed
    async with h.deps.uow() as uow:
        actions = [e.action for e in await requests.history(uow, request_id)]
    assert actions[-3:] == ["propose_mode", "refuse_mode", "complete"]


async def test_the_requests_history_shows_the_proposal_and_the_answer(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    await h.press(EXPERT, f"cp:{request_id}:online")
    pushed = await h.pump()
    await h.press(FARMER, button(pushed, lambda label, _: label.startswith("❌ 不同意")))
    sent = await h.say(FARMER, "📋 我的请求")
    sent = await h.press(FARMER, button(sent, lambda _, data: data == f"rq:{request_id}:open"))
    assert "服务中 (专家记为线上解答，待您确认)" in texts(sent)[0]
    assert "服务中 (您不同意记为线上解答)" in texts(sent)[0]


async def test_the_threads_own_message_carries_the_mode_and_complete(harness: Harness) -> None:
    """Completing was only reachable through /start → 📋 待办请求 → 完成 #N."""
    h = harness
    request_id = await _in_service(h)
    pushed = await h.pump()
    [opened] = [text for text in texts(pushed, EXPERT) if "对话已开启" in text]
    assert "视频解答 ¥100" in opened
    complete = button(pushed, lambda label, _: label == f"完成 #{request_id}")
    sent = await h.press(EXPERT, complete)
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "视频解答"))
    assert "核销金额 ¥100" in texts(sent)[0]
