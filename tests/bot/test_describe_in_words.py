"""A description has to say something in words: "？", "。。。", an emoji or "啊啊" are asked to be
described again, in the describe form and wherever a draft still lacks a description; nothing is
drafted or changed from them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.description import is_describable
from storage.models import ServiceRequest
from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, button, texts
from tests.bot.test_farmer_story import bind_both

IN_WORDS = "这样还看不出是什么问题。请用几句话描述：什么作物或牲畜、出现了什么症状、从什么时候开始。"
ASK = "请用文字描述问题：什么作物或牲畜、出现了什么症状、从什么时候开始。"
NOT_WORDS = ["？", "。。。", "😀😀", "啊啊", "啊啊啊", "？？ 12"]


@pytest.mark.parametrize(
    ("text", "describable"),
    [
        *((text, False) for text in NOT_WORDS),
        ("玉米", False),
        ("", False),
        ("葵花黄", True),
        ("羊拉稀！", True),
        ("我家葵花叶子发黄", True),
        ("sick sheep", True),
    ],
)
def test_what_counts_as_a_description(text: str, describable: bool) -> None:
    assert is_describable(text) is describable


async def _drafts(h: Harness) -> list[ServiceRequest]:
    async with h.deps.uow() as uow:
        return list((await uow.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id))).all())


async def test_the_describe_form_asks_for_words_and_drafts_nothing(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    assert texts(await h.say(FARMER, "📝 描述问题")) == [ASK]
    for said in NOT_WORDS:
        assert texts(await h.say(FARMER, said)) == [IN_WORDS], said
    assert await _drafts(h) == []
    # Words then make a draft as usual; the form was waiting for them.
    sent = await h.say(FARMER, "我家葵花叶子发黄还有黑斑")
    assert texts(sent)[0].startswith("收到，我来帮您整理问题。")
    [draft] = await _drafts(h)
    assert draft.description == "我家葵花叶子发黄还有黑斑"


async def test_a_photo_first_then_a_question_mark_is_asked_again(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    assert texts(await h.photo(FARMER, "leaf-1")) == [f"照片已收到。\n{ASK}"]
    assert texts(await h.say(FARMER, "？")) == [IN_WORDS]
    [draft] = await _drafts(h)
    assert draft.description == "" and draft.subject is None  # "？" became neither
    sent = await h.say(FARMER, "葵花叶子发黄，有黑斑")
    assert "照片：1 张" in texts(sent)[0]  # the summary, from the words
    [draft] = await _drafts(h)
    assert draft.description == "葵花叶子发黄，有黑斑"


async def test_a_caption_that_says_nothing_does_not_pass_for_a_description(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    assert texts(await h.photo(FARMER, "leaf-1", caption="？？")) == [f"照片已收到。\n{ASK}"]


async def test_rewriting_a_description_as_punctuation_keeps_the_old_one(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, "葵花叶子发黄有黑斑")
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✏️")))
    assert texts(sent) == [ASK]
    assert texts(await h.say(FARMER, "。。。")) == [IN_WORDS]
    [draft] = await _drafts(h)
    assert draft.description == "葵花叶子发黄有黑斑"
    sent = await h.say(FARMER, "葵花叶子发黄有黑斑，已经一周了")
    assert "问题：葵花叶子发黄有黑斑，已经一周了" in texts(sent)[0]  # the summary again
