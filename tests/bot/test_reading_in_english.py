"""Faults a newcomer met playing the story in English through `jingfu shell`: lists joined with
'、', the request's history in UTC, and no way back to choosing an expert from the request itself."""

from __future__ import annotations

from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_farmer_story import PROBLEM, approve, bind_both, describe_and_submit


async def _english(h: Harness, user: int) -> None:
    sent = await h.say(user, "/language")
    await h.press(user, button(sent, lambda label, _: label == "English"))


async def _expert_card(h: Harness) -> str:
    sent = await h.say(FARMER, PROBLEM)
    sent = await h.press(FARMER, button(sent, lambda label, _: label in ("✅ 完成", "✅ Done")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ ")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("1. ")))
    return texts(sent)[0]


async def test_the_expert_card_lists_as_the_readers_language_does(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    card = await _expert_card(h)
    assert "专业：作物栽培、植物保护\n擅长：向日葵、小麦、玉米" in card
    await _english(h, FARMER)
    card = await _expert_card(h)
    assert "Specialties: Crop cultivation, Plant protection\nKnows: 向日葵, 小麦, 玉米" in card


async def test_the_history_of_a_request_is_in_local_time(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)  # at 19:00 in Bayannur, 11:00 UTC
    sent = await h.say(FARMER, "📋 我的请求")
    sent = await h.press(FARMER, button(sent, lambda _, data: data == f"rq:{request_id}:open"))
    assert "• 06-03 19:00 待审核" in texts(sent)[0]


async def test_a_request_to_choose_again_offers_it_on_its_card(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    sent = await h.press(EXPERT, f"iv:{request_id}:decline")
    await h.press(EXPERT, button(sent, lambda label, _: label == "近几天没有时间"))
    await h.pump()  # the push with its button goes by; the farmer comes back through the menu
    await _english(h, FARMER)
    sent = await h.say(FARMER, "📋 My requests")
    sent = await h.press(FARMER, button(sent, lambda _, data: data == f"rq:{request_id}:open"))
    assert "choose another expert (No time in the next days)" in texts(sent)[0]
    assert buttons(sent)[:2] == [  # above Cancel, which is a single press away
        ("Choose another expert", f"ex:{request_id}:suggest:0:0"),
        ("Cancel request", f"rq:{request_id}:cancel"),
    ]
    sent = await h.press(FARMER, f"ex:{request_id}:suggest:0:0")
    assert texts(sent)[0].startswith("<b>Suggested experts of your county:</b>")


async def test_the_queue_says_where_a_description_was_cut(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    long = "葵花叶子发黄还有黑斑，种了20亩，现在是开花期。\n" + "前几天下过雨，" * 10
    request_id = await describe_and_submit(h, long)
    await approve(h, request_id)
    sent = await h.say(EXPERT, "📋 待办请求")
    [line] = [x for x in texts(sent)[0].split("\n") if x.startswith(f"#{request_id} ")]
    quoted = line.split(" — ")[1]
    assert quoted.startswith("葵花叶子发黄还有黑斑，种了20亩，现在是开花期。 前几天下过雨，")  # one line
    assert quoted.endswith("前几天下过雨…") and len(quoted) == 60
