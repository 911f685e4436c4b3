"""Media in the intake: voice notes told apart from photos; every photo reaches the expert."""

from __future__ import annotations

from aiogram.methods import SendMediaGroup, SendPhoto, SendVideo, SendVideoNote
from aiogram.types import Video, VideoNote
from sqlalchemy import select

from storage.models import ServiceRequest
from tests.bot.conftest import EXPERT, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, button, texts
from tests.bot.test_farmer_story import approve, bind_both, submit_draft


async def test_a_voice_note_is_acknowledged_as_voice_and_listed_in_the_summary(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = await harness.say(FARMER, "我家羊拉稀，已经三天了")
    assert any("照片" in text for text in texts(sent))  # asked for photos (and voice notes)

    sent = await harness.voice(FARMER, "voice-1")
    assert texts(sent) == ["语音已收到，会一并转给专家。"]
    sent = await harness.photo(FARMER, "photo-1")
    assert texts(sent) == ["照片已收到。"]

    async with harness.deps.uow() as uow:
        draft = await uow.session.scalar(select(ServiceRequest))
        assert draft is not None
    sent = await harness.press(FARMER, f"in:{draft.id}:media_done")
    summary = texts(sent)[0]
    assert "照片：1 张" in summary and "语音：1 条" in summary


async def test_a_voice_note_that_starts_an_intake_is_acknowledged_as_voice(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.voice(FARMER, "voice-first"))
    zh = harness.deps.catalog.messages["zh_CN"]
    # one reply: the acknowledgement, then the question the draft needs next (a description)
    assert sent == [f"{zh['intake.voice_saved']}\n{zh['intake.ask_description']}"]


async def test_an_overlong_description_is_refused_with_the_limit_and_nothing_is_drafted(
    harness: Harness,
) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, "我家羊拉稀，" + "已经三天了。" * 400))  # 2,406 characters
    assert sent == ["内容太长了（2406 字），最多 2000 字。请精简后重新发送。"]
    async with harness.deps.uow() as uow:
        assert await uow.session.scalar(select(ServiceRequest)) is None
    sent = texts(await harness.say(FARMER, "我家羊拉稀，已经三天了"))  # the shortened text goes through
    assert sent and sent[0].startswith(harness.deps.catalog.messages["zh_CN"]["intake.received"])


async def test_every_photo_reaches_the_invited_expert(harness: Harness) -> None:
    # An album holds at most ten: 23 photos go as albums of 10 and 10, then 3.
    await bind_both(harness)
    asked = await harness.say(FARMER, "我家20亩向日葵开花期叶子发黄还有黑斑")
    for n in range(23):
        await harness.photo(FARMER, f"field-{n}", album=f"album-{n // 10}")
    request_id = await submit_draft(harness, asked)
    await approve(harness, request_id)
    pushed = [m for m in await harness.pump() if getattr(m, "chat_id", None) == EXPERT]
    albums = [[item.media for item in m.media] for m in pushed if isinstance(m, SendMediaGroup)]
    singles = [m.photo for m in pushed if isinstance(m, SendPhoto)]
    assert [len(album) for album in albums] == [10, 10, 3] and singles == []
    assert [photo for album in albums for photo in album] == [f"field-{n}" for n in range(23)]


CLIP = Video(file_id="clip-1", file_unique_id="c1", width=640, height=480, duration=9)
CIRCLE = VideoNote(file_id="round-1", file_unique_id="r1", length=240, duration=5)


async def test_a_video_starts_an_intake_like_a_photo(harness: Harness) -> None:
    await bind_both(harness)
    sent = await harness.send(FARMER, video=CLIP)
    assert texts(sent)[0].startswith("视频已收到，会一并转给专家。")  # not "did not understand"


async def test_videos_are_counted_and_reach_the_invited_expert(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    asked = await h.say(FARMER, "我家20亩向日葵开花期叶子发黄打蔫，拍了视频")
    assert texts(await h.send(FARMER, video=CLIP)) == ["视频已收到，会一并转给专家。"]
    await h.send(FARMER, video_note=CIRCLE)
    summary = await h.press(FARMER, button(asked, lambda label, _: label == "✅ 完成"))
    assert any("视频：2 段" in text for text in texts(summary))
    request_id = await submit_draft(h, asked)
    await approve(h, request_id)
    pushed = [m for m in await h.pump() if getattr(m, "chat_id", None) == EXPERT]
    assert [m.video for m in pushed if isinstance(m, SendVideo)] == ["clip-1"]
    assert [m.video_note for m in pushed if isinstance(m, SendVideoNote)] == ["round-1"]
