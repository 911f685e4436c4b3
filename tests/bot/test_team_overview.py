"""The team leader finds the team's figures under 📊 我的统计; nobody else does."""

from __future__ import annotations

from datetime import timedelta

from core import requests
from core.scope import CITY_SYSTEM
from tests.bot.conftest import EXPERT, EXPERT_2, EXPERT_2_PHONE, EXPERT_PHONE
from tests.bot.harness import Harness, alerts, button, buttons, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit

TEAM_BUTTON = "👥 团队概况"


async def test_the_leader_sees_every_member_and_who_is_late(harness: Harness) -> None:
    h = harness
    await bind_both(h)  # 王建国, 临河区's team leader, is the expert bound here
    request_id = await describe_and_submit(h)
    async with h.deps.uow() as uow:  # 王建国 was invited 13 hours ago and has not answered
        await requests.approve(uow, request_id, CITY_SYSTEM, now=h.deps.clock() - timedelta(hours=13))
        await uow.commit()

    sent = await h.say(EXPERT, "📊 我的统计")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == TEAM_BUTTON))
    head, _rules, *members = texts(sent)[0].split("\n")
    assert head == "<b>临河区精准服务专家团 · 2031 年</b>"
    assert len(members) == 11
    assert members[0].startswith(
        "⚠️ <b>王建国</b>（研究员）：在办 0 · 待答复 1（最久 13 小时） · 今年服务 0/5"
    )
    assert not any("⚠️" in line for line in members[1:])


async def test_a_member_who_is_not_the_leader_has_no_team_overview(harness: Harness) -> None:
    h = harness
    await h.contact(EXPERT_2, EXPERT_2_PHONE)  # 黄晓梅, a member
    sent = await h.say(EXPERT_2, "📊 我的统计")
    assert "今年" in texts(sent)[0] or "本年度" in texts(sent)[0]
    assert TEAM_BUTTON not in [label for label, _ in buttons(sent)]
    sent = await h.press(EXPERT_2, "tm:show")  # a forged button
    assert alerts(sent) == ["团队概况只有团长可以查看。"]


async def test_the_stats_of_the_leader_offer_the_overview(harness: Harness) -> None:
    h = harness
    await h.contact(EXPERT, EXPERT_PHONE)
    sent = await h.say(EXPERT, "📊 我的统计")
    assert [label for label, _ in buttons(sent)] == [TEAM_BUTTON]
