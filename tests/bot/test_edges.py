"""The edges of the story: re-pick after decline or expiry, cancel, money refused, forged buttons,
threads that must not cross, and an update delivered twice."""

from __future__ import annotations

from datetime import timedelta

from aiogram.types import Chat, Message, Update
from sqlalchemy import func, select

from core import requests
from storage.enums import RequestStatus
from storage.models import Expert, MessageLink, ServiceRequest, ThreadMessage
from tests.bot.conftest import (
    EXPERT,
    EXPERT_2,
    EXPERT_2_PHONE,
    FARMER,
    OTHER_FARMER,
    OTHER_FARMER_PHONE,
)
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_farmer_story import approve, bind_both, confirm_submission, describe_and_submit


async def balance_text(h: Harness) -> str:
    return texts(await h.say(FARMER, "💳 服务券余额"))[0]


async def test_decline_then_repick_keeps_the_hold(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await h.contact(EXPERT_2, EXPERT_2_PHONE)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    sent = await h.press(EXPERT, f"iv:{request_id}:decline")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "不是我的专业方向"))
    assert "已拒绝" in texts(sent)[0]
    pushed = await h.pump()
    assert any(
        "暂时无法提供服务" in text and "不是我的专业方向" in text and "服务券仍为您保留" in text
        for text in texts(pushed, FARMER)
    )
    assert "冻结中 ¥100" in await balance_text(h)

    # Choose again from the push: another expert, no mode question, the same hold, back to review.
    sent = await h.press(FARMER, button(pushed, lambda label, _: label == "重新选择专家"))
    other = next(data for label, data in buttons(sent) if label.startswith("2. "))
    sent = await h.press(FARMER, other)
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 选择")))
    assert "明天 09:00" in texts(sent)[0]
    assert "可用 <b>¥500</b>，冻结中 ¥100" in await balance_text(h)
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.pending_review
        assert request.expert_id is not None


async def test_expiry_after_24_hours_asks_the_farmer_to_choose_again(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    async with h.deps.uow() as uow:
        expired = await requests.expire_invitations(uow, now=h.deps.clock() + timedelta(hours=24, minutes=1))
    assert [r.id for r in expired] == [request_id]
    pushed = await h.pump()
    assert any("24 小时内没有答复" in text for text in texts(pushed, FARMER))
    # the expert is told too: the card kept its Accept button
    assert texts(pushed, EXPERT) == [f"邀请 #{request_id} 超过 24 小时没有答复，已失效，农户会重新选择专家。"]
    sent = await h.press(EXPERT, f"iv:{request_id}:accept")
    assert [q.text for q in sent if type(q).__name__ == "AnswerCallbackQuery"] == ["这个邀请已失效。"]  # type: ignore[attr-defined]
    assert "冻结中 ¥100" in await balance_text(h)


async def test_cancel_before_service_releases_the_hold(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    sent = await h.say(FARMER, "📋 我的请求")
    sent = await h.press(FARMER, button(sent, lambda _, data: data == f"rq:{request_id}:open"))
    assert "已邀请专家" in texts(sent)[0]
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "取消请求"))
    assert texts(sent) == [f"确定取消请求 #{request_id}？取消后不能恢复，冻结的服务券会退回。"]
    kept = await h.press(FARMER, button(sent, lambda label, _: label == "不，保留请求"))
    assert texts(kept) == [f"请求 #{request_id} 没有取消。"]
    assert "冻结中 ¥100" in await balance_text(h)
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "是，取消请求"))
    assert texts(sent) == [f"请求 #{request_id} 已取消，冻结的服务券已退回。"]
    assert "可用 <b>¥600</b>，冻结中 ¥0" in await balance_text(h)
    pushed = await h.pump()
    assert texts(pushed, EXPERT) == [f"农户已取消请求 #{request_id}。"]


async def test_insufficient_balance_is_said_plainly(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, "想请专家来给合作社现场培训葵花种植技术")
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("1. ")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 选择")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "现场培训 ¥800（余额不足）"))
    assert texts(sent) == [
        "服务券余额不足：可用 ¥600，这种服务方式需要 ¥800。请选择费用更低的方式，或联系旗县区科技管理部门。"
    ]
    assert "可用 <b>¥600</b>，冻结中 ¥0" in await balance_text(h)


async def test_a_forged_button_for_another_countys_expert_is_refused(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, "葵花叶子发黄")
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    request_id = int(button(sent, lambda label, _: label.startswith("✅ 确认")).split(":")[1])
    async with h.deps.uow() as uow:
        wuyuan = await uow.session.scalar(select(Expert).where(Expert.name == "马振华"))
        assert wuyuan is not None
    for forged in (
        f"ex:{request_id}:card:{wuyuan.id}:0",
        f"ex:{request_id}:choose:{wuyuan.id}:0",
        f"md:{request_id}:{wuyuan.id}:online",
    ):
        sent = await h.press(FARMER, forged)
        alerts = [m.text for m in sent if type(m).__name__ == "AnswerCallbackQuery"]  # type: ignore[attr-defined]
        assert alerts == ["只能选择本旗县区的专家。"], forged
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.draft and request.expert_id is None


async def test_a_farmer_of_another_county_never_sees_this_countys_experts(harness: Harness) -> None:
    h = harness
    await h.contact(OTHER_FARMER, OTHER_FARMER_PHONE)
    sent = await h.say(OTHER_FARMER, "葵花叶子发黄")
    sent = await h.press(OTHER_FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(OTHER_FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(OTHER_FARMER, button(sent, lambda label, _: label == "查看全部专家"))
    names = {label.split(" · ")[0] for label, _ in buttons(sent) if " · " in label}
    assert names == {"马振华", "高翠兰", "郭玉林"}


async def test_two_requests_threads_never_cross(harness: Harness) -> None:
    """One expert serving two farmers: replies reach the farmer of the message replied to; an unreplied
    message is held until the expert says which request it is for."""
    h = harness
    await bind_both(h)
    await h.contact(OTHER_FARMER + 100, "13904781011")  # 赵红梅, another 临河区 service object
    first = await describe_and_submit(h)
    second_farmer = OTHER_FARMER + 100
    sent = await h.say(second_farmer, "番茄叶子卷曲发黄，大棚里一半都这样")
    sent = await h.press(second_farmer, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(second_farmer, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(second_farmer, button(sent, lambda label, _: label == "查看全部专家"))
    sent = await h.press(second_farmer, button(sent, lambda label, _: label.startswith("王建国")))
    sent = await h.press(second_farmer, button(sent, lambda label, _: label.startswith("✅ 选择")))
    sent = await h.press(second_farmer, button(sent, lambda label, _: label.startswith("线上解答")))
    await confirm_submission(h, second_farmer, sent)
    async with h.deps.uow() as uow:
        second = await uow.session.scalar(select(func.max(ServiceRequest.id)))
    assert second is not None and second != first
    for request_id in (first, second):
        await approve(h, request_id)
        await h.pump()
        await h.press(EXPERT, f"iv:{request_id}:accept")
    await h.pump()

    # Farmers write; each message reaches the expert tagged with its request.
    sent = await h.say(FARMER, "葵花这边怎么办")
    relayed_first = next(m for m in sent if getattr(m, "chat_id", None) == EXPERT)
    assert f"#{first}" in relayed_first.text  # type: ignore[attr-defined]

    # The expert's reply to the second farmer's thread message goes to the second farmer only.
    h.session.take()
    async with h.deps.uow() as uow:
        link_second = await uow.session.scalar(
            select(MessageLink.message_id).where(
                MessageLink.request_id == second, MessageLink.chat_id == EXPERT
            )
        )
    assert link_second is not None
    sent = await h.reply(EXPERT, "番茄先通风降湿", to_message_id=link_second)
    assert [getattr(m, "chat_id", None) for m in sent] == [second_farmer]

    # Without a reply, the expert is asked which request; nothing is sent until they choose.
    sent = await h.say(EXPERT, "记得明天上午打药")
    assert texts(sent) == ["您有多个进行中的请求，这条消息发给哪一个？"]
    # Each choice names the crop and the farmer: "#12" alone did not tell the expert which was which.
    assert {label for label, _ in buttons(sent)} == {f"#{first} 向日葵 · 王二牛", f"#{second} 番茄 · 赵红梅"}
    sent = await h.press(EXPERT, f"tp:{first}")
    assert next(getattr(m, "chat_id", None) for m in sent if type(m).__name__ == "SendMessage") == FARMER
    async with h.deps.uow() as uow:
        rows = (await uow.session.scalars(select(ThreadMessage).order_by(ThreadMessage.id))).all()
        assert [(m.request_id, m.sender_kind, m.text) for m in rows] == [
            (first, "farmer", "葵花这边怎么办"),
            (second, "expert", "番茄先通风降湿"),
            (first, "expert", "记得明天上午打药"),
        ]


async def test_the_same_update_delivered_twice_is_handled_once(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    update = Update(
        update_id=987654,
        message=Message(
            message_id=5,
            date=h.deps.clock(),
            chat=Chat(id=FARMER, type="private"),
            from_user=h.user(FARMER),
            text="葵花叶子发黄有黑斑",
        ),
    )
    first = await h.feed(update)
    second = await h.feed(update)
    assert first and second == []
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 1


async def test_a_banned_pesticide_is_answered_with_advice_not_refused(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, "玉米地草多，能不能打百草枯？我电话13904781001")
    notes = texts(sent)
    assert any("百草枯" in note and "禁止或限制使用的农药" in note for note in notes)
    async with h.deps.uow() as uow:
        draft = await uow.session.scalar(select(ServiceRequest))
        assert draft is not None and draft.status is RequestStatus.draft
        flagged = {hit["category"] for hit in draft.screening["hits"]}
        assert "contact" in flagged


async def test_a_reply_after_completion_reaches_the_expert_not_intake(harness: Harness) -> None:
    """With nothing in service a farmer's text is a new problem, unless it replies to a relayed
    message: a follow-up on a completed request still reaches its expert, and starts no draft."""
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h, mode_label="线上解答")
    await approve(h, request_id)
    await h.pump()
    await h.press(EXPERT, f"iv:{request_id}:accept")
    await h.pump()
    await h.say(EXPERT, "先把病叶摘掉")
    async with h.deps.uow() as uow:
        relayed = await uow.session.scalar(
            select(MessageLink.message_id).where(
                MessageLink.request_id == request_id, MessageLink.chat_id == FARMER
            )
        )
    assert relayed is not None
    sent = await h.say(EXPERT, "📋 待办请求")
    await h.press(EXPERT, button(sent, lambda label, _: label.startswith(f"完成 #{request_id}")))
    sent = await h.press(EXPERT, f"cp:{request_id}:online")
    assert "核销金额" in texts(sent)[0]
    await h.pump()

    sent = await h.reply(FARMER, "摘掉以后还要打药吗", to_message_id=relayed)
    assert texts(sent, EXPERT) == [f"💬 <b>#{request_id} 向日葵</b> · 王二牛：\n摘掉以后还要打药吗"]
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 1

    # The same words without the reply: a new problem, so a new draft.
    await h.say(FARMER, "摘掉以后还要打药吗")
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 2
