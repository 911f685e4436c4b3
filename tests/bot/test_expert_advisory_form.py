"""Publishing an advisory: a body the platform cannot take is refused at the body question, where
the expert can fix it, not after the crops are asked."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Advisory
from tests.bot.conftest import EXPERT
from tests.bot.harness import Harness, button, texts
from tests.bot.test_farmer_story import bind_both


async def _ask_body(h: Harness) -> None:
    await bind_both(h)
    sent = await h.say(EXPERT, "📢 发布农情")
    await h.press(EXPERT, button(sent, lambda label, _: label == "病虫害"))


async def test_a_too_long_advisory_is_refused_at_once_and_the_form_stays_open(harness: Harness) -> None:
    h = harness
    await _ask_body(h)
    sent = await h.say(EXPERT, "注意防治向日葵螟" * 300)
    assert texts(sent) == ["内容太长了（2400 字），最多 2000 字。请精简后重新发送。"]
    # Still at the body question: the shortened text is taken, then the crops.
    sent = await h.say(EXPERT, "向日葵螟预警\n请及时用性诱剂诱杀")
    assert "适用于哪些作物或畜种" in texts(sent)[0]
    sent = await h.say(EXPERT, "向日葵")
    assert "已提交审核" in texts(sent)[0]
    async with h.deps.uow() as uow:
        advisory = await uow.session.scalar(select(Advisory))
        assert advisory is not None and advisory.title == "向日葵螟预警"


async def test_a_photo_as_the_body_is_asked_for_as_text(harness: Harness) -> None:
    h = harness
    await _ask_body(h)
    sent = await h.photo(EXPERT, "pest-photo", caption="虫害照片")
    assert texts(sent) == ["农情内容请用文字发送（第一行作为标题）。"]
    sent = await h.say(EXPERT, "向日葵螟预警")
    assert "适用于哪些作物或畜种" in texts(sent)[0]
