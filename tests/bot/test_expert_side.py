"""The expert's side: a forum topic per request where the bot has topics, on-site evidence, yearly
figures, advisories (screened, then queued for review), and the farmer's complaint."""

from __future__ import annotations

from aiogram.methods import CreateForumTopic, SendAudio, SendVideoNote
from aiogram.types import Audio, VideoNote
from sqlalchemy import select

from bot.deps import BotDeps
from storage.enums import AdvisoryStatus, RequestStatus
from storage.models import Advisory, Complaint, ServiceRequest, ThreadMessage
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit


async def _in_service(h: Harness, mode_label: str = "视频解答") -> int:
    await bind_both(h)
    request_id = await describe_and_submit(h, mode_label=mode_label)
    await approve(h, request_id)
    await h.pump()
    await h.press(EXPERT, f"iv:{request_id}:accept")
    return request_id


async def test_each_request_gets_its_own_topic_when_the_bot_has_topics(deps: BotDeps) -> None:
    h = await Harness.build(deps, topics=True)
    request_id = await _in_service(h)
    pushed = await h.pump()
    [topic_call] = [m for m in pushed if isinstance(m, CreateForumTopic)]
    assert topic_call.chat_id == EXPERT and topic_call.name.startswith(f"#{request_id} 向日葵")
    opened = next(
        m
        for m in pushed
        if getattr(m, "chat_id", None) == EXPERT and "对话已开启" in (getattr(m, "text", "") or "")
    )
    thread_id = opened.message_thread_id  # type: ignore[attr-defined]
    assert thread_id is not None

    sent = await h.say(FARMER, "叶子背面也有")
    assert [getattr(m, "message_thread_id", None) for m in sent if getattr(m, "chat_id", None) == EXPERT] == [
        thread_id
    ]
    sent = await h.say(EXPERT, "收到，我明天看看", message_thread_id=thread_id)
    assert texts(sent, FARMER) == [f"💬 <b>#{request_id} 向日葵</b> · 王建国：\n收到，我明天看看"]
    await h.bot.session.close()


async def test_voice_notes_are_relayed_and_stored(harness: Harness) -> None:
    request_id = await _in_service(harness)
    await harness.pump()
    sent = await harness.voice(FARMER, "voice-1")
    assert [getattr(m, "voice", None) for m in sent if getattr(m, "chat_id", None) == EXPERT] == ["voice-1"]
    async with harness.deps.uow() as uow:
        stored = await uow.session.scalar(select(ThreadMessage).where(ThreadMessage.request_id == request_id))
        assert stored is not None and (stored.kind, stored.file_id) == ("voice", "voice-1")


async def test_a_banned_word_in_the_thread_is_not_relayed(harness: Harness) -> None:
    await _in_service(harness)
    await harness.pump()
    sent = await harness.say(FARMER, "你知道哪里有赌博网站吗")
    assert all(getattr(m, "chat_id", None) == FARMER for m in sent)
    assert "「赌*」" in texts(sent)[0]


async def test_on_site_completion_needs_evidence(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h, mode_label="现场咨询")
    sent = await h.press(EXPERT, f"cp:{request_id}:onsite_consult")
    assert texts(sent) == ["现场服务请发送现场位置或一张现场照片作为凭证。"]
    sent = await h.say(EXPERT, "已经去过了")
    assert texts(sent) == ["现场服务请发送现场位置或一张现场照片作为凭证。"]
    sent = await h.location(EXPERT, 40.76, 107.41)
    assert "核销金额 ¥300" in texts(sent)[0]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.completed


async def test_expert_sees_yearly_figures(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.press(EXPERT, f"cp:{request_id}:video")
    sent = await h.say(EXPERT, "📊 我的统计")
    assert "已完成服务：1 次（每年至少 5 次）" in texts(sent)[0] and "服务费：¥100" in texts(sent)[0]


async def test_advisory_is_screened_then_queued_for_review(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(EXPERT, "📢 发布农情")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "病虫害"))
    sent = await h.say(EXPERT, "向日葵螟预警\n近期气温升高，请注意向日葵螟，及时用性诱剂诱杀")
    sent = await h.say(EXPERT, "向日葵，葵花")
    assert "已提交审核" in texts(sent)[0]
    async with h.deps.uow() as uow:
        advisory = await uow.session.scalar(select(Advisory))
        assert advisory is not None
        assert (advisory.title, advisory.target_subjects, advisory.status) == (
            "向日葵螟预警",
            ["向日葵", "葵花"],
            AdvisoryStatus.pending_review,
        )


async def test_farmer_can_complain_from_the_request_card(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    sent = await h.say(FARMER, "📋 我的请求")
    sent = await h.press(FARMER, button(sent, lambda _, data: data == f"rq:{request_id}:open"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "投诉"))
    sent = await h.say(FARMER, "专家一直不回复")
    assert "投诉已收到" in texts(sent)[0]
    async with h.deps.uow() as uow:
        complaint = await uow.session.scalar(select(Complaint))
        assert (
            complaint is not None
            and complaint.text == "专家一直不回复"
            and complaint.request_id == request_id
        )


async def test_an_expert_who_binds_after_approval_finds_the_invitation(harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, "13904781001")
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()  # the expert is not bound yet: nothing can reach them
    sent = await h.contact(EXPERT, "13804780001")
    assert "1 个待答复的邀请" in texts(sent)[1]
    # The invitation card it missed: county, the problem, mode and fee, with Accept / Decline.
    card = texts(sent)[2]
    assert f"新的服务邀请 #{request_id}" in card and "临河区" in card and "视频解答（¥100）" in card
    assert ("✅ 接受", f"iv:{request_id}:accept") in buttons(sent)
    sent = await h.say(EXPERT, "📋 待办请求")
    assert f"#{request_id} 向日葵 · 已邀请专家 · 视频解答 ¥100 — " in texts(sent)[0]
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == f"✅ 接受 #{request_id}"))
    assert texts(sent) == [f"已接受请求 #{request_id}。"]


async def test_round_videos_and_audio_files_are_relayed_and_stored(harness: Harness) -> None:
    # A round video sent to the expert used to start a new problem instead.
    h = harness
    request_id = await _in_service(h)
    await h.pump()

    circle = VideoNote(file_id="round-1", file_unique_id="r1", length=240, duration=5)
    sent = await h.send(FARMER, video_note=circle)
    assert [m.video_note for m in sent if isinstance(m, SendVideoNote)] == ["round-1"]
    assert texts(sent, EXPERT) == [f"💬 <b>#{request_id} 向日葵</b> · 王二牛："]
    recording = Audio(file_id="talk-1", file_unique_id="a1", duration=60)
    sent = await h.send(EXPERT, audio=recording, caption="用药讲解录音")
    assert [(m.audio, m.chat_id) for m in sent if isinstance(m, SendAudio)] == [("talk-1", FARMER)]
    async with h.deps.uow() as uow:
        stored = (await uow.session.scalars(select(ThreadMessage).order_by(ThreadMessage.id))).all()
        assert [(m.kind, m.file_id, m.text) for m in stored] == [
            ("video_note", "round-1", None),
            ("audio", "talk-1", "用药讲解录音"),
        ]
    # The request card names what was sent in the reader's language, not the stored kind.
    card = texts(await h.press(FARMER, f"rq:{request_id}:open"))[0]
    assert "[圆形视频]" in card and "用药讲解录音" in card and "video_note" not in card
