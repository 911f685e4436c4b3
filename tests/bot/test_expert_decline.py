"""Declining an invitation: the expert says why (a common reason or their own words) or goes back;
the farmer reads the reason in their own language, and it stays in the request's record."""

from __future__ import annotations

from sqlalchemy import select

from core import requests
from storage.enums import RequestStatus
from storage.models import Expert, ScreeningAttempt, ServiceRequest
from tests.bot.conftest import EXPERT, EXPERT_PHONE, FARMER
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit

REASONS = [
    "不是我的专业方向",
    "近几天没有时间",
    "路太远，无法上门",
    "其他原因（自己填写）",
    "↩️ 返回，先不拒绝",
]


async def _invited(h: Harness) -> int:
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    return request_id


async def _status(h: Harness, request_id: int) -> RequestStatus:
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None
        return request.status


async def _decline_events(h: Harness, request_id: int) -> list[str | None]:
    async with h.deps.uow() as uow:
        return [e.reason for e in await requests.history(uow, request_id) if e.action == "decline"]


async def test_decline_asks_why_and_the_farmer_reads_the_chosen_reason(harness: Harness) -> None:
    h = harness
    request_id = await _invited(h)
    sent = await h.press(EXPERT, f"iv:{request_id}:decline")
    assert texts(sent) == [f"拒绝请求 #{request_id}（向日葵 · 王二牛）？请选择原因，农户会看到："]
    assert [label for label, _ in buttons(sent)] == REASONS
    assert await _status(h, request_id) is RequestStatus.approved  # nothing happens before a reason

    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "近几天没有时间"))
    assert texts(sent) == [f"已拒绝请求 #{request_id}（原因：近几天没有时间），农户会重新选择专家。"]
    assert buttons(sent) == []  # the question became the outcome: nothing left to press twice
    assert await _decline_events(h, request_id) == ["no time in the next days"]

    pushed = await h.pump()
    assert texts(pushed, FARMER) == [
        f"王建国 专家暂时无法提供服务（请求 #{request_id}）。\n原因：近几天没有时间\n"
        "服务券仍为您保留，请重新选择专家。"
    ]
    # The request's record shows it to the farmer too.
    sent = await h.say(FARMER, "📋 我的请求")
    sent = await h.press(FARMER, button(sent, lambda _, data: data == f"rq:{request_id}:open"))
    assert "请重新选择专家 (近几天没有时间)" in texts(sent)[0]


async def test_a_written_reason_is_screened_limited_and_reaches_the_farmer_escaped(harness: Harness) -> None:
    h = harness
    request_id = await _invited(h)
    sent = await h.press(EXPERT, f"iv:{request_id}:decline")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label.startswith("其他原因")))
    assert texts(sent) == [f"请用一句话写下拒绝请求 #{request_id} 的原因（最多 200 字），农户会看到。"]
    assert [label for label, _ in buttons(sent)] == ["↩️ 返回，先不拒绝"]

    sent = await h.say(EXPERT, "忙" * 201)
    assert texts(sent) == ["内容太长了（201 字），最多 200 字。请精简后重新发送。"]
    assert buttons(sent) == [("↩️ 返回，先不拒绝", f"dc:{request_id}:back")]  # the way out stays
    sent = await h.say(EXPERT, "这几天忙，顺便问下哪里能买到冰毒")
    assert "「冰*」" in texts(sent)[0]
    async with h.deps.uow() as uow:
        attempt = await uow.session.scalar(select(ScreeningAttempt))
        assert attempt is not None and attempt.context == "decline"
    sent = await h.photo(EXPERT, "not-a-reason")
    assert texts(sent) == ["请用文字写下原因，或点【返回】。"]
    assert await _status(h, request_id) is RequestStatus.approved

    sent = await h.say(EXPERT, "  下周去外地培训 <3 天>  ")
    assert texts(sent) == [
        f"已拒绝请求 #{request_id}（原因：下周去外地培训 &lt;3 天&gt;），农户会重新选择专家。"
    ]
    assert await _decline_events(h, request_id) == ["下周去外地培训 <3 天>"]
    pushed = await h.pump()
    [notice] = texts(pushed, FARMER)
    assert "原因：下周去外地培训 &lt;3 天&gt;\n" in notice

    # The form is closed: the expert's next words are not another reason.
    sent = await h.say(EXPERT, "好的")
    assert "原因" not in " ".join(texts(sent))


async def test_back_keeps_the_invitation_open(harness: Harness) -> None:
    h = harness
    request_id = await _invited(h)
    sent = await h.press(EXPERT, f"iv:{request_id}:decline")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label.startswith("其他原因")))
    sent = await h.press(EXPERT, button(sent, lambda label, _: label.startswith("↩️")))
    assert texts(sent) == [f"没有拒绝，请求 #{request_id} 仍在等待您的答复。"]
    assert buttons(sent) == [("✅ 接受", f"iv:{request_id}:accept"), ("❌ 拒绝", f"iv:{request_id}:decline")]
    sent = await h.say(EXPERT, "下周去外地培训")  # no longer taken as a reason
    assert await _status(h, request_id) is RequestStatus.approved
    assert await _decline_events(h, request_id) == []
    sent = await h.press(EXPERT, f"iv:{request_id}:accept")
    assert texts(sent) == [f"已接受请求 #{request_id}。"]
    # The reason question, pressed after accepting, says what became of the request.
    sent = await h.press(EXPERT, f"dc:{request_id}:no_time")
    assert [m.text for m in sent if type(m).__name__ == "AnswerCallbackQuery"] == [  # type: ignore[attr-defined]
        f"您已接受请求 #{request_id}，服务正在进行中。"
    ]


async def test_each_reads_a_common_reason_in_their_own_language(harness: Harness) -> None:
    h = harness
    await h.contact(EXPERT, EXPERT_PHONE)
    async with h.deps.uow() as uow:
        expert = await uow.session.scalar(select(Expert).where(Expert.telegram_user_id == EXPERT))
        assert expert is not None
        expert.language = "en"
        await uow.commit()
    request_id = await _invited(h)
    sent = await h.press(EXPERT, f"iv:{request_id}:decline")
    assert texts(sent)[0].startswith(f"Decline request #{request_id} (向日葵 · 王二牛)?")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "Too far for an on-site visit"))
    assert texts(sent) == [
        f"You declined request #{request_id} (reason: Too far for an on-site visit); "
        "the farmer will choose another expert."
    ]
    pushed = await h.pump()
    assert "原因：路太远，无法上门" in texts(pushed, FARMER)[0]
