"""What a farmer answers to the intake's questions is read for what it is (issue 17): "不知道" is no
crop, and a new problem written at "是什么作物或牲畜？" is not taken as the answer and lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import ServiceRequest
from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, button, buttons, past_the_specialty, texts
from tests.bot.test_farmer_story import bind_both

NO_CROP = "百草枯现在还能买到吗？打了以后会不会有残留"
PIG = "猪发烧不吃食，耳朵发紫，是不是非洲猪瘟"


async def _draft(h: Harness, request_id: int) -> ServiceRequest:
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
    assert request is not None
    return request


async def _at_the_subject_question(h: Harness) -> int:
    await bind_both(h)
    sent = await past_the_specialty(h, FARMER, await h.say(FARMER, NO_CROP))
    assert texts(sent)[-1].endswith("是什么作物或牲畜？（例如：向日葵、番茄、肉羊）"), texts(sent)
    return await h.latest_request_id()


NON_ANSWERS = ["不知道", "不清楚", "我也不知道啊", "随便", "问专家吧", "还没种", "说不好"]


@pytest.mark.parametrize("answer", NON_ANSWERS)
async def test_a_non_answer_to_the_crop_question_files_nothing_and_moves_on(
    harness: Harness, answer: str
) -> None:
    h = harness
    request_id = await _at_the_subject_question(h)
    sent = await h.say(FARMER, answer)
    assert texts(sent)[0].startswith("好的，这一项先空着，专家会再问您。")
    assert "可以发几张照片" in texts(sent)[0]  # the next question, not the crop again
    draft = await _draft(h, request_id)
    assert draft.subject is None and draft.description == NO_CROP
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    assert "作物/畜种：（未填）" in texts(sent)[0]  # and the summary is reached, not the question again


async def test_no_photos_at_the_photo_question_goes_on_to_the_summary(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await h.say(FARMER, "我家葵花叶子发黄还有黑斑，种了20亩，现在是开花期")
    sent = await h.say(FARMER, "没有")
    assert "<b>请求 #" in texts(sent)[0] and "作物/畜种：向日葵" in texts(sent)[0]
    assert await h.latest_request_id() == (await _draft(h, await h.latest_request_id())).id


async def test_a_non_answer_as_the_description_is_asked_again(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await h.say(FARMER, "📝 描述问题")
    sent = await h.say(FARMER, "不知道")
    assert texts(sent) == [
        "这样还看不出是什么问题。请用几句话描述：什么作物或牲畜、出现了什么症状、从什么时候开始。"
    ]
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(ServiceRequest)) is None


async def test_a_new_problem_at_the_crop_question_is_asked_about_and_kept(harness: Harness) -> None:
    h = harness
    first = await _at_the_subject_question(h)
    sent = await h.say(FARMER, PIG)
    assert texts(sent) == ["这条消息看起来是一个新问题。是另起一个新问题，还是回答上面“是什么作物或牲畜”？"]
    assert [label for label, _ in buttons(sent)] == ["🆕 另起一个新问题", "↩️ 是回答：猪"]
    assert (await _draft(h, first)).subject is None  # nothing filed yet
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("🆕")))
    assert any(f"#{first}" in text and "继续填写" in text for text in texts(sent))  # the first is kept
    second = await h.latest_request_id()
    assert second != first
    new = await _draft(h, second)
    assert new.description == PIG and new.subject == "猪" and new.specialty_code == "veterinary"
    old = await _draft(h, first)
    assert old.description == NO_CROP and old.subject is None and old.status == "draft"


async def test_the_farmer_may_say_it_was_the_answer_after_all(harness: Harness) -> None:
    h = harness
    first = await _at_the_subject_question(h)
    sent = await h.say(FARMER, PIG)
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("↩️")))
    assert "可以发几张照片" in texts(sent)[-1]
    draft = await _draft(h, first)
    assert draft.subject == "猪" and draft.description == NO_CROP
    assert await h.latest_request_id() == first
