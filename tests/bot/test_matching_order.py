"""Suggestions on the demo team (临河区): the request's specialty first, the others after and marked,
each with their specialty; the whole list names every expert's specialty (issue 17)."""

from __future__ import annotations

from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, button, buttons, past_the_specialty, texts
from tests.bot.test_farmer_story import bind_both


async def _suggestions(h: Harness, problem: str) -> tuple[str, list[str]]:
    await bind_both(h)
    sent = await past_the_specialty(h, FARMER, await h.say(FARMER, problem))
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    return texts(sent)[0], [label for label, _ in buttons(sent)]


async def test_tomato_whitefly_goes_to_plant_protection_first(harness: Harness) -> None:
    text, labels = await _suggestions(harness, "大棚番茄叶子背面有很多白色小飞虫，一碰就飞")
    assert labels[:5] == ["1. 李秀英", "2. 黄晓梅", "3. 王建国", "4. 陈立军", "5. 杨丽娟"]
    specialists, _, others = text.partition("其他专业的专家")
    assert "李秀英" in specialists and "黄晓梅" in specialists and "王建国" in specialists
    assert "陈立军" in others and "土壤肥料" in others and "杨丽娟" in others
    assert "张志强" not in text and "刘海燕" not in text


async def test_sheep_diarrhoea_goes_to_the_vets_then_the_animal_side(harness: Harness) -> None:
    text, labels = await _suggestions(harness, "我家的羊这几天拉稀，精神不好，养了五十只")
    assert labels[:4] == ["1. 刘海燕", "2. 周德胜", "3. 张志强", "4. 吴春花"]
    assert "李秀英" not in text.partition("其他专业的专家")[0]


async def test_the_whole_list_names_each_experts_specialty(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await h.say(FARMER, "大棚番茄叶子背面有很多白色小飞虫，一碰就飞")
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ 完成"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 确认")))
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "查看全部专家"))
    labels = [label for label, _ in buttons(sent)]
    assert "王建国 · 研究员 · 作物栽培、植物保护" in labels
    assert "张志强 · 高级畜牧师 · 畜牧养殖" in labels
