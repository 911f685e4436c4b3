"""Voice notes in the intake: acknowledged as voice, counted apart from the photos."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ServiceRequest
from tests.bot.conftest import FARMER, FARMER_PHONE
from tests.bot.harness import Harness, texts


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
