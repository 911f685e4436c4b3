"""Publishing an advisory: what the platform cannot take is refused at the question it answers, where
the expert can fix it (a too-long body used to be found only after the crops were asked)."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from sqlalchemy import select

from core import advisories
from core.scope import CITY_SYSTEM
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


async def _ask_subjects(h: Harness) -> list[TelegramMethod[Any]]:
    await _ask_body(h)
    return await h.say(EXPERT, "口蹄疫预警\n近期注意圈舍消毒")


async def test_a_sentence_for_the_crops_is_refused_and_the_question_stays(harness: Harness) -> None:
    h = harness
    await _ask_subjects(h)
    sent = await h.say(EXPERT, "请各位养殖户注意圈舍消毒并及时接种疫苗发现病畜立即隔离")
    assert texts(sent) == [
        "“请各位养殖户注意圈舍…”不像作物或畜种的名称（每个最多 20 字）。"
        "请用逗号分开填写，例如：向日葵，番茄；适用于全部的请点下方按钮。"
    ]
    sent = await h.say(EXPERT, "肉羊、奶牛")
    assert "已提交审核" in texts(sent)[0]
    async with h.deps.uow() as uow:
        advisory = await uow.session.scalar(select(Advisory))
        assert advisory is not None and advisory.target_subjects == ["肉羊", "奶牛"]


async def test_the_crops_are_screened_like_the_body(harness: Harness) -> None:
    h = harness
    await _ask_subjects(h)
    sent = await h.say(EXPERT, "肉羊，赌博")
    assert "「赌*」" in texts(sent)[0]
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(Advisory)) is None


async def test_a_photo_for_the_crops_asks_again(harness: Harness) -> None:
    h = harness
    await _ask_subjects(h)
    sent = await h.photo(EXPERT, "sheep-photo")
    assert texts(sent) == ["适用于哪些作物或畜种？用逗号分开；适用于所有的请点下方按钮。"]


async def test_the_all_crops_button_after_the_form_ended_says_it_is_gone(harness: Harness) -> None:
    h = harness
    await _ask_subjects(h)
    await h.press(EXPERT, "sk:subjects")
    sent = await h.press(EXPERT, "sk:subjects")
    [alert] = [m for m in sent if isinstance(m, AnswerCallbackQuery)]
    assert alert.text == (
        "这条农情已经提交审核了（或已取消），这个按钮不再有用。要发布新的农情，请点【📢 发布农情】。"
    )


async def test_an_approved_advisory_nobody_works_with_tells_the_expert_why(harness: Harness) -> None:
    h = harness
    await _ask_subjects(h)
    await h.say(EXPERT, "骆驼")  # no 临河区 service object keeps camels
    async with h.deps.uow() as uow:
        advisory = await uow.session.scalar(select(Advisory))
        assert advisory is not None
        await advisories.approve_advisory(uow, advisory.id, CITY_SYSTEM, via="test")
    sent = await h.pump()
    assert texts(sent, EXPERT) == [
        f"你的农情 #{advisory.id} 已通过审核，"
        "但本旗县区目前没有开启农情推送、且从事这些作物或畜种的农户，所以没有推送。"
    ]


async def test_the_advisory_can_be_cancelled_at_either_question(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(EXPERT, "📢 发布农情")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "病虫害"))
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "取消发布"))
    assert texts(sent) == ["已取消发布农情，没有提交任何内容。"]
    sent = await _ask_subjects(h)
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "取消发布"))
    assert texts(sent) == ["已取消发布农情，没有提交任何内容。"]
    sent = await h.say(EXPERT, "肉羊")  # no form any more: not taken as the crops of an advisory
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(Advisory)) is None
