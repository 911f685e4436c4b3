"""A farmer who left the intake half-way finds the draft again under My requests."""

from __future__ import annotations

from tests.bot.conftest import FARMER, FARMER_PHONE, OTHER_FARMER, OTHER_FARMER_PHONE
from tests.bot.harness import Harness, alerts, button, buttons, texts


async def test_a_draft_left_for_the_menu_is_carried_on_from_my_requests(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = await harness.say(FARMER, "我家葵花叶子发黄还有黑斑，种了20亩")
    await harness.photo(FARMER, "leaf-1")
    await harness.say(FARMER, "/menu")  # wandered off before finishing

    draft = await harness.latest_request_id()
    sent = await harness.say(FARMER, "📋 我的请求")
    labels = [label for label, _ in buttons(sent)]
    assert labels == [f"📝 继续填写 #{draft} 向日葵（未提交）"]
    sent = await harness.press(FARMER, button(sent, lambda label, _: label.startswith("📝 继续填写")))
    summary = texts(sent, FARMER)[0]
    assert summary.startswith(f"<b>请求 #{draft}</b>") and "照片：1 张" in summary  # nothing was lost
    assert any(label.startswith("✅ 确认") for label, _ in buttons(sent))


async def test_another_farmers_draft_cannot_be_opened_by_a_forged_button(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    await harness.say(FARMER, "我家葵花叶子发黄还有黑斑，种了20亩")
    draft = await harness.latest_request_id()
    await harness.contact(OTHER_FARMER, OTHER_FARMER_PHONE)
    sent = await harness.press(OTHER_FARMER, f"rq:{draft}:resume")
    assert alerts(sent) == ["现在不能这样操作。"]
    assert texts(sent, OTHER_FARMER) == []  # nothing of 王二牛's problem is shown


async def test_a_button_of_a_closed_form_says_so_to_a_bound_farmer(harness: Harness) -> None:
    # e.g. "skip the comment" of a rating already given; "please bind first" would read as unbound
    await harness.contact(FARMER, FARMER_PHONE)
    sent = await harness.press(FARMER, "sk:rating")
    assert alerts(sent) == ["这次评价已经结束了，谢谢您！"]
    sent = await harness.press(OTHER_FARMER, "sk:rating")  # not bound: told how to bind
    assert alerts(sent) == [harness.deps.catalog.messages["zh_CN"]["bind.unbound_short"]]
