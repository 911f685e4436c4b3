"""/start, /menu and the menu buttons that open something else leave an open form, so the next words
are not taken as its answer; and closing a form keeps what the chat holds outside any form."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import func, select

from storage.models import Advisory
from tests.bot.conftest import EXPERT, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, button, texts
from tests.bot.test_expert_side import _in_service
from tests.bot.test_expert_switching import SECOND_FARMER, ask_which, button_for, two_under_way


async def _advisories(h: Harness) -> int:
    async with h.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Advisory)) or 0)


async def _open_advisory_form(h: Harness) -> None:
    sent = await h.say(EXPERT, "📢 发布农情")
    await h.press(EXPERT, button(sent, lambda label, _: label == "病虫害"))


async def test_start_leaves_the_advisory_form_and_the_next_words_go_to_the_farmer(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    await _open_advisory_form(h)
    sent = await h.say(EXPERT, "/start")
    assert texts(sent) == ["欢迎您，王建国专家！邀请会在这里推送，请在 24 小时内答复。"]
    sent = await h.say(EXPERT, "明天上午到地里看看")
    assert texts(sent, FARMER) == [f"💬 <b>#{request_id} 向日葵</b> · 王建国：\n明天上午到地里看看"]
    assert await _advisories(h) == 0


async def test_the_queue_button_leaves_the_evidence_question(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h, mode_label="现场咨询")
    await h.pump()
    await h.press(EXPERT, f"cp:{request_id}:onsite_consult")
    await h.say(EXPERT, "📋 待办请求")
    sent = await h.say(EXPERT, "明天上午到地里看看")
    assert texts(sent, FARMER) == [f"💬 <b>#{request_id} 向日葵</b> · 王建国：\n明天上午到地里看看"]


async def test_start_leaves_the_intake_subject_question(harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    sent = await h.say(FARMER, "叶子发黄还有黑斑，种了20亩")
    assert "是什么作物或牲畜" in texts(sent)[0]
    await h.say(FARMER, "/start")
    first = await h.latest_request_id()
    await h.say(FARMER, "我家羊拉稀不吃草")
    assert await h.latest_request_id() > first  # a new problem, not the old draft's crop


async def test_the_describe_button_leaves_the_intake_subject_question(harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    await h.say(FARMER, "叶子发黄还有黑斑，种了20亩")
    sent = await h.say(FARMER, "📝 描述问题")
    assert texts(sent) == ["请用文字描述问题：什么作物或牲畜、出现了什么症状、从什么时候开始。"]


async def test_a_glance_at_the_help_keeps_the_subject_question_open(harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    await h.say(FARMER, "叶子发黄还有黑斑，种了20亩")
    draft = await h.latest_request_id()
    await h.say(FARMER, "❓ 帮助")
    await h.say(FARMER, "向日葵")
    assert await h.latest_request_id() == draft  # the answer went to the same draft


async def test_a_message_waiting_on_the_switcher_survives_a_finished_form(harness: Harness) -> None:
    h = harness
    _, second = await two_under_way(h)
    choices = await ask_which(h, "先把病叶摘掉")
    # Before choosing, the expert publishes an advisory: its form closes when it is submitted.
    await _open_advisory_form(h)
    await h.say(EXPERT, "向日葵螟预警\n请及时用性诱剂诱杀")
    sent = await h.say(EXPERT, "向日葵")
    assert "已提交审核" in texts(sent)[0]
    sent = await h.press(EXPERT, button_for(choices, second))
    assert not [m for m in sent if isinstance(m, AnswerCallbackQuery) and m.show_alert]
    assert texts(sent, SECOND_FARMER) == [f"💬 <b>#{second} 向日葵</b> · 王建国：\n先把病叶摘掉"]
