"""Choosing again after a decline or an expiry: the expert who said no to the request is not offered
for it again, and a button naming them anyway is refused with a message that says why. And a farmer
writing in English finds the experts who know the crop, though experts' crops are written in Chinese."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import TelegramMethod
from sqlalchemy import select

from core import requests
from storage.enums import ExpertStatus, RequestStatus
from storage.models import Expert, ServiceRequest
from tests.bot.conftest import EXPERT, EXPERT_2, EXPERT_2_PHONE, FARMER
from tests.bot.harness import Harness, button, buttons, past_the_specialty, texts
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit

ALREADY_DECLINED = "这位专家已经拒绝过（或未及时答复）这个请求，请选择其他专家。"


async def invited(h: Harness, request_id: int) -> Expert:
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.expert_id is not None
        expert = await uow.session.get(Expert, request.expert_id)
        assert expert is not None
        return expert


async def decline(h: Harness, expert_user: int, request_id: int) -> list[TelegramMethod[Any]]:
    """The invited expert declines (no time); what the farmer is pushed."""
    await approve(h, request_id)
    await h.pump()
    sent = await h.press(expert_user, f"iv:{request_id}:decline")
    await h.press(expert_user, button(sent, lambda label, _: label == "近几天没有时间"))
    return await h.pump()


def offered(sent: list[TelegramMethod[Any]]) -> list[str]:
    """The experts a list shows as buttons, by label."""
    return [label for label, data in buttons(sent) if ":card:" in data]


async def whole_county_list(h: Harness, sent: list[TelegramMethod[Any]]) -> tuple[str, list[str]]:
    """From the suggestions: every page of the county list; its first header and every expert on it."""
    data: str | None = button(sent, lambda label, _: label == "查看全部专家")
    header, names = "", []
    while data is not None:
        sent = await h.press(FARMER, data)
        header = header or texts(sent)[0]
        names += offered(sent)
        data = next((d for label, d in buttons(sent) if label == "下一页 ➡"), None)
    return header, names


async def test_the_expert_who_declined_is_not_offered_again(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await h.contact(EXPERT_2, EXPERT_2_PHONE)
    request_id = await describe_and_submit(h)
    assert (await invited(h, request_id)).name == "王建国"
    pushed = await decline(h, EXPERT, request_id)

    sent = await h.press(FARMER, button(pushed, lambda label, _: label == "重新选择专家"))
    suggestions = texts(sent)[0]
    assert suggestions.startswith("<b>为您推荐本旗县区的专家：</b>\n1. 黄晓梅")
    assert "王建国" not in suggestions
    assert not any("王建国" in label for label in offered(sent))
    header, names = await whole_county_list(h, sent)
    assert "共 10 位" in header and len(names) == 10
    assert not any("王建国" in name for name in names)

    # The next expert declines too: now neither is offered, the first one's decline still counts.
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "1. 黄晓梅"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ 选择")))
    assert (await invited(h, request_id)).name == "黄晓梅"
    pushed = await decline(h, EXPERT_2, request_id)
    sent = await h.press(FARMER, button(pushed, lambda label, _: label == "重新选择专家"))
    suggestions = texts(sent)[0]
    assert "王建国" not in suggestions and "黄晓梅" not in suggestions
    header, names = await whole_county_list(h, sent)
    assert "共 9 位" in header and len(names) == 9


async def test_a_button_naming_the_expert_who_declined_is_refused(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    declined = await invited(h, request_id)
    await decline(h, EXPERT, request_id)
    for forged in (
        f"ex:{request_id}:card:{declined.id}:0",
        f"ex:{request_id}:choose:{declined.id}:0",
        f"md:{request_id}:{declined.id}:video",
    ):
        sent = await h.press(FARMER, forged)
        alerts = [m.text for m in sent if type(m).__name__ == "AnswerCallbackQuery"]  # type: ignore[attr-defined]
        assert alerts == [ALREADY_DECLINED], forged
        assert texts(sent) == [ALREADY_DECLINED], forged  # the alert only: no card, nothing submitted
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.repick and request.expert_id is None


async def test_the_expert_who_let_the_invitation_expire_is_not_offered_again(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    lapsed = await invited(h, request_id)
    await approve(h, request_id)
    await h.pump()
    async with h.deps.uow() as uow:
        await requests.expire_invitations(uow, now=h.deps.clock() + timedelta(hours=24, minutes=1))
    pushed = await h.pump()
    sent = await h.press(FARMER, button(pushed, lambda label, _: label == "重新选择专家"))
    assert lapsed.name not in texts(sent)[0]
    sent = await h.press(FARMER, f"ex:{request_id}:choose:{lapsed.id}:0")
    alerts = [m.text for m in sent if type(m).__name__ == "AnswerCallbackQuery"]  # type: ignore[attr-defined]
    assert alerts == [ALREADY_DECLINED]


async def english(h: Harness, user: int) -> None:
    sent = await h.say(user, "/language")
    await h.press(user, button(sent, lambda label, _: label == "English"))


async def suggestions_in_english(h: Harness, problem: str, subject: str | None = None) -> str:
    """Describe in English, (name the crop), skip photos, confirm. The NLU reads English (issue 19):
    the specialty is plant protection, asked at most as a yes (issue 19: when the NLU is unsure)."""
    sent = await h.say(FARMER, problem)
    offered = buttons(sent)
    assert "Plant protection" not in [label for label, _ in offered], "the specialty was not read"
    assert not offered or offered[0][1].endswith(":plant_protection") or offered[0][0] == "✅ Done"
    sent = await past_the_specialty(h, FARMER, sent)
    if subject is not None:
        assert texts(sent)[-1].endswith("Which crop or animal is it? (e.g. sunflower, tomato, sheep)")
        sent = await h.say(FARMER, subject)
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "✅ Done"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("✅ Confirm")))
    return texts(sent)[0]


async def test_an_english_crop_name_finds_the_experts_who_know_it(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await english(h, FARMER)
    # 李秀英 and 黄晓梅 list 番茄 among their crops; 王建国 (also plant protection) does not.
    assert (await suggestions_in_english(h, "My tomatoes have black spots")).split("\n")[1:4] == [
        "1. 李秀英 (高级农艺师) — specialty match · knows this crop/animal · 0 open · 0 services this year",
        "2. 黄晓梅 (副研究员) — specialty match · knows this crop/animal · 0 open · 0 services this year",
        "3. 王建国 (研究员) — specialty match · 0 open · 0 services this year",
    ]


async def test_a_crop_named_in_english_when_asked_finds_the_experts_who_know_it(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await english(h, FARMER)
    # Asked which crop, the farmer writes it, capitalised and plural. Four of the county's experts know
    # 向日葵: the two of plant protection first, then the two of other specialties.
    suggestions = await suggestions_in_english(h, "The leaves have black spots", subject="Sunflowers")
    knowing = [line.split(" ")[1] for line in suggestions.split("\n") if "knows this crop/animal" in line]
    assert knowing == ["王建国", "黄晓梅", "陈立军", "杨丽娟"]


async def test_when_every_serving_expert_has_declined_the_farmer_is_told_and_may_cancel(
    harness: Harness,
) -> None:
    h = harness
    await bind_both(h)
    async with h.deps.uow() as uow:  # only 王建国 still serves in 临河区
        others = await uow.session.scalars(select(Expert).where(Expert.name != "王建国"))
        for expert in others:
            expert.status = ExpertStatus.suspended
        await uow.commit()
    request_id = await describe_and_submit(h)
    balance_before = await _available(h)
    pushed = await decline(h, EXPERT, request_id)

    sent = await h.press(FARMER, button(pushed, lambda label, _: label == "重新选择专家"))
    assert texts(sent) == [
        f"本旗县区在岗的专家都已拒绝过请求 #{request_id}（或未及时答复），暂时没有其他专家可以邀请。"
        "您可以取消这个请求（冻结的服务券金额会退回），或联系旗县区科技管理部门。"
    ]
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "取消请求"))
    sent = await h.press(FARMER, button(sent, lambda label, _: label == "是，取消请求"))
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.cancelled
    assert await _available(h) > balance_before  # the hold came back


async def _available(h: Harness) -> float:
    """The available amount the farmer's 💳 balance shows."""
    sent = await h.say(FARMER, "/balance")
    shown = texts(sent)[0].split("<b>")[1].split("</b>")[0]
    return float("".join(c for c in shown if c.isdigit() or c == "."))
