"""Old buttons: every stale press says why and what to do now, and a button whose moment has passed
is refused at the first press, not half-way through (issue 17)."""

from __future__ import annotations

from core import requests
from storage.enums import RequestStatus
from storage.models import ServiceRequest
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, alerts, button, buttons, texts
from tests.bot.test_expert_side import _in_service
from tests.bot.test_farmer_story import bind_both, confirm_submission


async def test_the_expert_card_and_choose_of_a_submitted_request_are_refused_at_once(
    harness: Harness,
) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, "我家葵花叶子发黄还有黑斑，种了20亩")
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    suggestions = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    card = button(suggestions, lambda label, _: label.startswith("1. "))
    sent = await h.press(FARMER, card)
    choose = button(sent, lambda label, _: label.startswith("✅ 选择"))
    sent = await h.press(FARMER, choose)
    mode = button(sent, lambda label, _: label.startswith("视频解答"))
    await confirm_submission(h, FARMER, await h.press(FARMER, mode))
    request_id = await h.latest_request_id()

    refused = f"请求 #{request_id} 现在是「待审核」，不能再选专家或服务方式。进度请看【📋 我的请求】。"
    for old in (card, choose, mode, button(suggestions, lambda label, _: label == "查看全部专家")):
        sent = await h.press(FARMER, old)
        assert alerts(sent) == [refused], old
        assert texts(sent) == [refused], old  # nothing else: no card, no modes


async def test_a_button_on_a_message_the_bot_cannot_see_says_it_is_gone(harness: Harness) -> None:
    """Telegram sends the message of a pressed button as inaccessible once it is deleted: the
    press is refused like any stale button, not with "something went wrong"."""
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, "我家葵花叶子发黄还有黑斑，种了20亩")
    done = button(sent, lambda label, _: label == "✅ 完成")
    for data in (done, "lg:en"):
        sent = await h.press(FARMER, data, inaccessible=True)
        assert texts(sent) == ["这个按钮已失效，请从菜单重新开始。"], data


async def test_a_rating_button_of_a_rated_request_is_refused_at_the_first_press(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.press(EXPERT, f"cp:{request_id}:video")
    await h.press(FARMER, f"rt:{request_id}:5")
    await h.press(FARMER, "sk:rating")
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.settled
    sent = await h.press(FARMER, f"rt:{request_id}:3")
    assert alerts(sent) == [f"请求 #{request_id} 已经评价过了，谢谢您！"]
    # No comment question: the next words are not taken as a comment.
    sent = await h.say(FARMER, "专家很好")
    assert "谢谢您的评价" not in " ".join(texts(sent))


async def test_a_rating_button_before_completion_says_so(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    sent = await h.press(FARMER, f"rt:{request_id}:4")
    assert alerts(sent) == [f"请求 #{request_id} 现在是「服务中」，专家完成服务后才能评价。"]


async def test_the_add_or_new_question_answered_twice_says_why(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    from tests.bot.test_farmer_story import describe_and_submit

    request_id = await describe_and_submit(h)
    sent = await h.say(FARMER, "补充一下，叶子背面也有小虫子")
    add = button(sent, lambda label, _: label.startswith("➕"))
    await h.press(FARMER, add)
    sent = await h.press(FARMER, add)
    assert alerts(sent) == ["这条消息已经处理过了。还有要补充或新的问题，直接发送即可。"]
    async with h.deps.uow() as uow:
        request = await requests.load_request(uow, request_id, lock=False)
        assert request.description.count("小虫子") == 1


async def test_all_crops_after_the_advisory_was_sent_says_why(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(EXPERT, "📢 发布农情")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "病虫害"))
    sent = await h.say(EXPERT, "向日葵螟预警\n近期气温升高，请注意向日葵螟")
    everyone = button(sent, lambda label, _: label == "适用于全部")
    await h.press(EXPERT, everyone)
    sent = await h.press(EXPERT, everyone)
    assert alerts(sent) == [
        "这条农情已经提交审核了（或已取消），这个按钮不再有用。要发布新的农情，请点【📢 发布农情】。"
    ]
    assert [label for label, _ in buttons(sent)] == []
