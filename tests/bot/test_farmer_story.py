"""The whole story through the real Dispatcher: bind, describe (a banned word, then a rephrase), choose,
submit at 19:00, approve, accept, talk with photos both ways, complete, rate 5, voucher captured."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.methods import TelegramMethod
from sqlalchemy import select

from core import requests
from core.scope import CITY_SYSTEM
from storage.enums import RequestStatus
from storage.models import Rating, Reimbursement, ScreeningAttempt, ServiceRequest, ThreadMessage
from tests.bot.conftest import EXPERT, EXPERT_PHONE, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, button, buttons, past_the_specialty, texts

PROBLEM = "我家葵花叶子发黄还有黑斑，种了20亩，现在是开花期"


async def bind_both(h: Harness) -> None:
    await h.contact(FARMER, FARMER_PHONE)
    await h.contact(EXPERT, EXPERT_PHONE)


async def describe_and_submit(h: Harness, text: str = PROBLEM, mode_label: str = "视频解答") -> int:
    """Describe, skip the photos, confirm, pick the first suggestion, choose the mode; the request id."""
    return await submit_draft(
        h, await past_the_specialty(h, FARMER, await h.say(FARMER, text)), mode_label=mode_label
    )


async def submit_draft(
    h: Harness,
    asked: list[TelegramMethod[Any]],
    *,
    expert: Callable[[str], bool] = lambda label: label.startswith("1. "),
    mode_label: str = "视频解答",
) -> int:
    """From the photo question (`asked`): done, confirm, pick the expert, choose the mode; the request id."""
    sent = await h.press(FARMER, button(asked, lambda label, _: label == "✅ 完成"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(FARMER, button(sent, lambda label, _: expert(label)))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 选择")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith(mode_label)))
    await confirm_submission(h, FARMER, sent)
    return await h.latest_request_id()


VILLAGE = "狼山镇新丰村三社"


async def confirm_submission(
    h: Harness, farmer: int, sent: list[TelegramMethod[Any]]
) -> list[TelegramMethod[Any]]:
    """After the mode: name the village if an on-site visit asks where, then confirm the summary."""
    if not any(label == "✅ 确认提交" for label, _ in buttons(sent)):
        sent = await h.say(farmer, VILLAGE)
    return await h.press(farmer, button(sent, lambda label, _: label == "✅ 确认提交"))


async def approve(h: Harness, request_id: int) -> None:
    async with h.deps.uow() as uow:
        await requests.approve(uow, request_id, CITY_SYSTEM, now=h.deps.clock())
        await uow.commit()


async def test_the_whole_story(harness: Harness) -> None:
    h = harness
    await bind_both(h)

    # A banned word is refused with the words to rephrase, and kept for audit.
    sent = await h.say(FARMER, "葵花叶子发黄，顺便问下哪里能买到冰毒")
    assert "「冰*」" in texts(sent)[0] and "修改" in texts(sent)[0] and "冰毒" not in texts(sent)[0]
    async with h.deps.uow() as uow:
        attempt = await uow.session.scalar(select(ScreeningAttempt))
        assert attempt is not None and attempt.telegram_user_id == FARMER and attempt.context == "problem"
        assert await uow.session.scalar(select(ServiceRequest)) is None

    # The rephrased problem: NLU pre-fills specialty, crop, scale and stage; the bot asks only for media.
    sent = await h.say(FARMER, PROBLEM)
    assert any("照片" in text for text in texts(sent))
    sent = await h.photo(FARMER, "farmer-photo-1", album="a1")
    await h.photo(FARMER, "farmer-photo-2", album="a1")
    sent = await h.location(FARMER, 40.75, 107.4)
    assert texts(sent) == ["位置已收到。"]
    async with h.deps.uow() as uow:
        draft = await uow.session.scalar(select(ServiceRequest))
        assert draft is not None
        assert (
            draft.specialty_code,
            draft.subject,
            draft.scale_quantity,
            draft.scale_unit,
            draft.growth_stage,
        ) == ("plant_protection", "向日葵", 20.0, "亩", "开花期")
        assert draft.photo_file_ids == ["farmer-photo-1", "farmer-photo-2"]
        request_id = draft.id
    sent = await h.press(FARMER, f"in:{request_id}:media_done")
    summary = texts(sent)[0]
    assert "向日葵" in summary and "照片：2 张" in summary and "位置：已提供" in summary

    # Suggestions with reasons, then the card, then the mode with fee and balance.
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    assert "专业对口" in texts(sent)[0]
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("1. ")))
    assert "今年已服务" in texts(sent)[0]
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 选择")))
    assert "可用余额 ¥600" in texts(sent)[0]
    assert [label for label, _ in buttons(sent)] == [
        "线上解答 ¥50",
        "视频解答 ¥100",
        "现场咨询 ¥300",
        "现场培训 ¥800（余额不足）",  # the household has ¥600
    ]

    # Submitted at 19:00: review is expected tomorrow 09:00; ¥100 is held.
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "视频解答 ¥100"))
    assert "冻结后服务券可用余额：¥500" in texts(sent)[0]
    sent = await confirm_submission(h, FARMER, sent)
    assert "明天 09:00" in texts(sent)[0] and "冻结 ¥100" in texts(sent)[0]
    sent = await h.say(FARMER, "💳 服务券余额")
    assert "可用 <b>¥500</b>，冻结中 ¥100" in texts(sent)[0]

    # The reviewer approves; the farmer is told, the expert gets the invitation with the photos.
    await approve(h, request_id)
    pushed = await h.pump()
    assert any("已通过审核" in text for text in texts(pushed, FARMER))
    assert any(type(m).__name__ == "SendMediaGroup" for m in pushed)
    invite = [m for m in pushed if getattr(m, "chat_id", None) == EXPERT and getattr(m, "reply_markup", None)]
    assert "新的服务邀请" in invite[0].text  # type: ignore[attr-defined]

    sent = await h.press(EXPERT, f"iv:{request_id}:accept")
    assert texts(sent) == [f"已接受请求 #{request_id}。"]
    pushed = await h.pump()
    assert any("已接受请求" in text for text in texts(pushed, FARMER))
    assert any("对话已开启" in text for text in texts(pushed, EXPERT))

    # Talk: text and photos relayed both ways, stored.
    sent = await h.say(FARMER, "专家您好，黑斑越来越多了")
    assert texts(sent, EXPERT) == [f"💬 <b>#{request_id} 向日葵</b> · 王二牛：\n专家您好，黑斑越来越多了"]
    sent = await h.photo(FARMER, "farmer-photo-3", caption="这是今天拍的")
    assert [m.photo for m in sent if getattr(m, "chat_id", None) == EXPERT] == ["farmer-photo-3"]  # type: ignore[attr-defined]
    sent = await h.photo(EXPERT, "expert-photo-1", caption="像是黑斑病，参考这张图")
    assert [m.photo for m in sent if getattr(m, "chat_id", None) == FARMER] == ["expert-photo-1"]  # type: ignore[attr-defined]
    async with h.deps.uow() as uow:
        stored = (await uow.session.scalars(select(ThreadMessage).order_by(ThreadMessage.id))).all()
        assert [(m.sender_kind, m.kind, m.file_id) for m in stored] == [
            ("farmer", "text", None),
            ("farmer", "photo", "farmer-photo-3"),
            ("expert", "photo", "expert-photo-1"),
        ]

    # The expert completes online, not the video the farmer chose: the farmer is asked first, and
    # agrees; ¥50 captured and credited, ¥50 released back.
    await h.pump()
    sent = await h.say(EXPERT, "📋 待办请求")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label.startswith(f"完成 #{request_id}")))
    sent = await h.press(EXPERT, f"cp:{request_id}:online")
    assert "已请农户确认" in texts(sent)[0]
    pushed = await h.pump()
    await h.press(FARMER, button(pushed, lambda label, _: label.startswith("✅ 同意")))
    pushed = await h.pump()
    assert any("核销金额 ¥50" in text for text in texts(pushed, EXPERT))
    assert any("服务券扣除 ¥50" in text for text in texts(pushed, FARMER))

    # Rating 5 with a comment.
    sent = await h.press(FARMER, f"rt:{request_id}:5")
    sent = await h.say(FARMER, "专家很耐心。" * 400)  # over the limit: said, and the 5 stars are kept
    assert texts(sent) == ["内容太长了（2400 字），最多 2000 字。请精简后重新发送。"]
    sent = await h.say(FARMER, "专家很耐心，谢谢")
    assert texts(sent) == ["谢谢您的评价！"]
    pushed = await h.pump()
    assert texts(pushed, EXPERT) == [f"农户为请求 #{request_id} 打了 5 星。"]
    async with h.deps.uow() as uow:
        rating = await uow.session.scalar(select(Rating))
        assert rating is not None and (rating.stars, rating.comment) == (5, "专家很耐心，谢谢")
        credited = await uow.session.scalar(select(Reimbursement))
        assert credited is not None and credited.amount_fen == 5000
        done = await uow.session.get(ServiceRequest, request_id)
        assert done is not None and done.status is RequestStatus.settled
    sent = await h.say(FARMER, "💳 服务券余额")
    assert "可用 <b>¥550</b>，冻结中 ¥0" in texts(sent)[0]
