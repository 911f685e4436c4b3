"""An expert with several requests under way: every message reaches the farmer it was meant for, and
nothing is lost or acknowledged when it was not delivered."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import select

from storage.models import ServiceRequest
from tests.bot.conftest import EXPERT, EXPERT_PHONE, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_farmer_story import approve, confirm_submission, submit_draft

SECOND_FARMER = 10003  # 王秀兰, same demonstration household as 王二牛
SECOND_FARMER_PHONE = "13904781002"


async def submit_as(h: Harness, farmer: int, text: str) -> int:
    """A farmer describes, confirms, picks the first suggestion (王建国) and the video mode."""
    sent = await h.say(farmer, text)
    sent = await h.press(farmer, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(farmer, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(farmer, button(sent, lambda label, _: label == "1. 王建国"))
    sent = await h.press(farmer, button(sent, lambda label, _: label.startswith("✅ 选择")))
    sent = await h.press(farmer, button(sent, lambda label, _: label.startswith("视频解答")))
    await confirm_submission(h, farmer, sent)
    async with h.deps.uow() as uow:
        latest = await uow.session.scalar(select(ServiceRequest).order_by(ServiceRequest.id.desc()))
        assert latest is not None and latest.farmer_id is not None
        return latest.id


async def two_under_way(h: Harness) -> tuple[int, int]:
    """王二牛's request and 王秀兰's, both accepted by 王建国."""
    await h.contact(FARMER, FARMER_PHONE)
    await h.contact(SECOND_FARMER, SECOND_FARMER_PHONE)
    await h.contact(EXPERT, EXPERT_PHONE)
    first = await submit_as(h, FARMER, "我家葵花叶子发黄还有黑斑，种了20亩")
    second = await submit_as(h, SECOND_FARMER, "我家葵花盘子上有虫子，种了10亩")
    for request_id in (first, second):
        await approve(h, request_id)
        await h.pump()
        await h.press(EXPERT, f"iv:{request_id}:accept")
    await h.pump()
    return first, second


async def ask_which(h: Harness, text: str) -> list[tuple[str, str]]:
    """The expert writes without saying where; the buttons of the question that follows."""
    sent = await h.say(EXPERT, text)
    assert texts(sent) == ["您有多个进行中的请求，这条消息发给哪一个？"]
    return buttons(sent)


def button_for(choices: list[tuple[str, str]], request_id: int) -> str:
    return next(data for label, data in choices if label.startswith(f"#{request_id} "))


async def test_two_messages_before_choosing_each_go_where_chosen(harness: Harness) -> None:
    h = harness
    first, second = await two_under_way(h)
    first_buttons = await ask_which(h, "先把病叶摘掉")
    second_buttons = await ask_which(h, "明天下午视频看看虫子")

    # The first question's button sends the first message, not the one written after it.
    sent = await h.press(EXPERT, button_for(first_buttons, first))
    assert texts(sent, FARMER) == [f"💬 <b>#{first} 向日葵</b> · 王建国：\n先把病叶摘掉"]
    assert texts(sent, EXPERT) == [f"已发送到请求 #{first}。"]
    sent = await h.press(EXPERT, button_for(second_buttons, second))
    assert texts(sent, SECOND_FARMER) == [f"💬 <b>#{second} 向日葵</b> · 王建国：\n明天下午视频看看虫子"]

    # Pressing an answered question again sends nothing twice and says why.
    sent = await h.press(EXPERT, button_for(first_buttons, first))
    assert texts(sent, FARMER) == []
    [alert] = [m for m in sent if isinstance(m, AnswerCallbackQuery)]
    assert alert.text == "这条消息已经发送过或已过期，请重新发送。"


async def test_no_sent_acknowledgement_when_the_message_was_blocked(harness: Harness) -> None:
    h = harness
    first, _ = await two_under_way(h)
    choices = await ask_which(h, "你知道哪里有赌博网站吗")
    sent = await h.press(EXPERT, button_for(choices, first))
    assert texts(sent, FARMER) == []
    assert all("已发送" not in text for text in texts(sent, EXPERT))
    assert "「赌*」" in texts(sent, EXPERT)[0]


async def test_the_queue_names_the_farmer_of_each_request_in_service(harness: Harness) -> None:
    h = harness
    first, second = await two_under_way(h)
    sent = await h.say(EXPERT, "📋 待办请求")
    assert texts(sent) == [
        "<b>待办请求</b>\n"
        f"#{first} 向日葵 · 王二牛 · 服务中 — 我家葵花叶子发黄还有黑斑，种了20亩\n"
        f"#{second} 向日葵 · 王秀兰 · 服务中 — 我家葵花盘子上有虫子，种了10亩"
    ]


async def test_the_choices_name_the_crop_and_the_other_party(harness: Harness) -> None:
    h = harness
    first, second = await two_under_way(h)
    # Two farmers asking about sunflowers: the farmer's name is what tells them apart.
    choices = await ask_which(h, "先把病叶摘掉")
    assert [label for label, _ in choices] == [f"#{second} 向日葵 · 王秀兰", f"#{first} 向日葵 · 王二牛"]

    # A farmer with two requests under way sees the expert's name, and may start a new problem.
    await h.say(FARMER, "📝 描述问题")  # with one request under way, free text goes to its expert
    asked = await h.say(FARMER, "我家番茄叶子卷曲发黄，大棚里一半都这样")
    third = await submit_draft(h, asked, expert=lambda label: label.endswith("王建国"))
    await approve(h, third)
    await h.pump()
    await h.press(EXPERT, f"iv:{third}:accept")
    await h.pump()
    sent = await h.say(FARMER, "叶子背面也有")
    labels = [label for label, _ in buttons(sent)]
    assert labels == [f"#{third} 番茄 · 王建国", f"#{first} 向日葵 · 王建国", "这是一个新问题"]
