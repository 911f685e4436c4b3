"""An expert offers a service to a park (Art. 15(3)); the park's members hear of it, the first to
accept invites the expert for the park, and the reviewer's approval opens the conversation at once."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import TelegramMethod
from sqlalchemy import func, select

from bot.runner import sweep
from core import ledger, offers, requests
from core.actors import Actor
from core.review_queue import pending_review
from core.scope import CITY_SYSTEM
from jingfu.cli.review import format_row
from storage.enums import OfferStatus, RequestStatus, ServiceObjectKind
from storage.models import (
    County,
    Rating,
    Reimbursement,
    ScreeningAttempt,
    ServiceObject,
    ServiceOffer,
    ServiceRequest,
)
from tests import factories
from tests.bot.conftest import EXPERT, EXPERT_PHONE
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_review_cli import cli_database, jingfu  # noqa: F401  (the fixture is used by name)

PARK_HEAD = 10031  # 李园长, on the roster of 巴彦淖尔国家农业科技园区 (临河区)
PARK_HEAD_PHONE = "13904781031"
PARK_TECH = 10032  # 周技术员, same park
PARK_TECH_PHONE = "13904781032"
PARK = "巴彦淖尔国家农业科技园区"
OFFER = "今年蜜瓜白粉病高发，我可以到园区开展一次绿色防控现场培训"


async def bind_park(h: Harness) -> None:
    await h.contact(EXPERT, EXPERT_PHONE)
    await h.contact(PARK_HEAD, PARK_HEAD_PHONE)
    await h.contact(PARK_TECH, PARK_TECH_PHONE)


async def send_offer(h: Harness, text: str = OFFER, mode: str = "现场培训 ¥800") -> tuple[int, list[Any]]:
    """The expert's form from the menu to the confirmation; the offer's id and the last replies."""
    sent = await h.say(EXPERT, "🏞 主动服务园区")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label.startswith(f"🏞 {PARK}")))
    sent = await h.say(EXPERT, text)
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == mode))
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "📨 发送提议"))
    async with h.deps.uow() as uow:
        offer_id = await uow.session.scalar(select(func.max(ServiceOffer.id)))
    assert offer_id is not None
    return offer_id, sent


def reply_to_offer(offer_id: int, action: str) -> str:
    return f"or:{offer_id}:{action}"


async def _status(h: Harness, offer_id: int) -> OfferStatus:
    async with h.deps.uow() as uow:
        return (await offers.load_offer(uow, offer_id, lock=False)).status


async def _park_balance(h: Harness) -> ledger.Balance:
    async with h.deps.uow() as uow:
        park = await uow.session.scalar(select(ServiceObject.id).where(ServiceObject.name == PARK))
        assert park is not None
        account = await ledger.get_account(uow, park, 2031)
        assert await ledger.reconcile(uow, account.id)
        return await ledger.account_balance(uow, account.id)


@pytest.mark.usefixtures("cli_database")  # the reviewer works from `jingfu review`
async def test_offer_accept_review_service_rating_and_voucher(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    h = harness
    await bind_park(h)

    sent = await h.say(EXPERT, "🏞 主动服务园区")
    assert "请选择本旗县区的园区" in texts(sent)[0]
    assert [label for label, _ in buttons(sent)] == [f"🏞 {PARK}（2 位成员）"]  # no household, point, unit
    sent = await h.press(EXPERT, button(sent, lambda label, _: label.startswith("🏞")))
    assert f"要为 <b>{PARK}</b> 提供的服务" in texts(sent)[0]
    sent = await h.say(EXPERT, OFFER)
    assert texts(sent) == ["请选择服务方式（园区服务券可用余额 ¥5000）："]
    assert [label for label, _ in buttons(sent)] == [
        "线上解答 ¥50",
        "视频解答 ¥100",
        "现场咨询 ¥300",
        "现场培训 ¥800",
        "取消",
    ]
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "现场培训 ¥800"))
    assert f"园区：{PARK}（2 位成员会收到）" in texts(sent)[0] and "现场培训（¥800）" in texts(sent)[0]
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "📨 发送提议"))
    async with h.deps.uow() as uow:
        offer_id = await uow.session.scalar(select(func.max(ServiceOffer.id)))
    assert offer_id is not None
    assert texts(sent) == [
        f"服务提议 #{offer_id} 已发给 {PARK} 的 2 位成员，72 小时内有效。有人答复时会通知您。"
    ]

    # Both members hear of it: who offers, what, the mode and fee, the park's balance.
    pushed = await h.pump()
    for member in (PARK_HEAD, PARK_TECH):
        [push] = texts(pushed, member)
        assert "王建国（研究员，专长：作物栽培、植物保护）" in push
        assert OFFER in push and "现场培训（¥800）" in push and "园区服务券可用余额：¥5000" in push
        assert [label for label, _ in buttons(pushed, member)] == ["✅ 接受", "❌ 谢绝"]

    # The first to accept invites the expert for the park; the second is told who did.
    sent = await h.press(PARK_TECH, reply_to_offer(offer_id, "accept"))
    request_id = await h.latest_request_id()
    assert texts(sent)[0].startswith(
        f"您已代表园区接受服务提议 #{offer_id}。\n请求 #{request_id} 已提交，服务券冻结 ¥800。"
    )
    assert "明天 09:00" in texts(sent)[0]
    sent = await h.press(PARK_HEAD, reply_to_offer(offer_id, "accept"))
    assert texts(sent) == ["这份服务提议已由 周技术员 代表园区接受。"]
    pushed = await h.pump()
    assert texts(pushed, EXPERT) == [
        f"🤝 {PARK} 的 周技术员 接受了您的服务提议 #{offer_id}，已生成请求 #{request_id}，"
        "等待旗县区审核；审核通过后对话会直接开启。"
    ]
    assert await _park_balance(h) == ledger.Balance(420000, 80000)

    # The reviewer sees where it came from; approving starts the service without an invitation card.
    _, listed, _ = await jingfu(capsys, "review", "list")
    assert (
        f"#{request_id}  临河区  周技术员  植物保护 / 蜜瓜" in listed
    )  # read from the offer, as an intake would
    assert f"from expert 王建国's offer #{offer_id} to the park: approving starts the service" in listed
    _, approved, _ = await jingfu(capsys, "review", "approve", str(request_id))
    assert approved == f"approved #{request_id}; the expert offered it, so the service starts now\n"
    pushed = await h.pump()
    assert texts(pushed, EXPERT) == [
        f"💬 请求 #{request_id} 的对话已开启（农户：周技术员；现场培训 ¥800）。"
        "回复这条消息或在此发送即可；服务做完后点【完成】。"
    ]
    assert not [data for _, data in buttons(pushed) if data.startswith("iv:")]
    assert texts(pushed, PARK_TECH) == [
        f"🤝 王建国 专家已接受请求 #{request_id}。直接在这里发消息、照片或语音即可和专家交流。"
    ]

    # Everything after is as for any request: talk, complete on site, rate, the voucher captured.
    sent = await h.say(PARK_TECH, "专家您好，培训安排在周六上午可以吗")
    assert texts(sent, EXPERT) == [
        f"💬 <b>#{request_id} 蜜瓜</b> · 周技术员：\n专家您好，培训安排在周六上午可以吗"
    ]
    sent = await h.press(EXPERT, f"cp:{request_id}:onsite_training")
    sent = await h.location(EXPERT, 40.75, 107.4)
    assert f"请求 #{request_id} 已完成，核销金额 ¥800 已记入您的服务费。" in texts(sent)[0]
    pushed = await h.pump()
    assert any("服务券扣除 ¥800" in text for text in texts(pushed, PARK_TECH))
    await h.press(PARK_TECH, f"rt:{request_id}:5")
    sent = await h.say(PARK_TECH, "培训很实用，谢谢")
    assert texts(sent) == ["谢谢您的评价！"]
    async with h.deps.uow() as uow:
        rating = await uow.session.scalar(select(Rating))
        assert rating is not None and (rating.stars, rating.comment) == (5, "培训很实用，谢谢")
        credited = await uow.session.scalar(select(Reimbursement))
        assert credited is not None and credited.amount_fen == 80000
        done = await uow.session.get(ServiceRequest, request_id)
        assert done is not None and done.status is RequestStatus.settled
    assert await _park_balance(h) == ledger.Balance(420000, 0)


async def test_a_household_or_another_countys_park_is_never_offered_to(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    async with h.deps.uow() as uow:
        household = await uow.session.scalar(
            select(ServiceObject.id).where(ServiceObject.name == "临河区狼山镇王二牛示范户")
        )
        wuyuan = await uow.session.scalar(select(County.id).where(County.name == "五原县"))
        assert household is not None and wuyuan is not None
        other_park = (await factories.service_object(uow, wuyuan, kind=ServiceObjectKind.park)).id
        await uow.commit()
    sent = await h.say(EXPERT, "🏞 主动服务园区")
    assert [data for _, data in buttons(sent)] == [
        button(sent, lambda label, _: label.startswith(f"🏞 {PARK}"))
    ]

    sent = await h.press(EXPERT, f"of:park:{household}:0:")  # forged: never a button we showed
    assert texts(sent) == ["只能向园区主动提供服务；示范户、示范点、示范单位须由服务对象主动邀请专家。"]
    sent = await h.press(EXPERT, f"of:park:{other_park}:0:")
    assert texts(sent) == ["只能向本旗县区的园区提供服务。"]
    sent = await h.say(EXPERT, OFFER)  # no form was opened: these words are not an offer
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceOffer)) == 0


async def test_a_banned_word_in_the_offer_is_explained_and_the_expert_rephrases(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    sent = await h.say(EXPERT, "🏞 主动服务园区")
    await h.press(EXPERT, button(sent, lambda label, _: label.startswith("🏞")))
    sent = await h.say(EXPERT, "培训之外顺便介绍哪里能买到冰毒")
    assert "「冰*」" in texts(sent)[0] and "请修改" in texts(sent)[0] and "冰毒" not in texts(sent)[0]
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceOffer)) == 0
        kept = await uow.session.scalar(select(ScreeningAttempt.context))
        assert kept == "offer"
    sent = await h.say(EXPERT, OFFER)  # the question stayed open: the rephrased text goes on
    assert texts(sent) == ["请选择服务方式（园区服务券可用余额 ¥5000）："]


async def test_a_member_declines_and_the_expert_is_told(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    offer_id, _ = await send_offer(h)
    await h.pump()
    sent = await h.press(PARK_HEAD, reply_to_offer(offer_id, "decline"))
    assert texts(sent) == [f"您已代表园区谢绝服务提议 #{offer_id}，专家会收到通知。"]
    pushed = await h.pump()
    assert texts(pushed, EXPERT) == [f"{PARK} 的 李园长 谢绝了您的服务提议 #{offer_id}。"]
    sent = await h.press(PARK_TECH, reply_to_offer(offer_id, "accept"))
    assert texts(sent) == ["这份服务提议已由 李园长 代表园区谢绝。"]
    sent = await h.press(EXPERT, f"of:withdraw:0:{offer_id}:")  # the confirmation's old button
    assert texts(sent) == ["这份服务提议已由 李园长 代表园区谢绝。"]
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


async def test_the_expert_withdraws_an_open_offer(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    offer_id, _ = await send_offer(h)
    await h.pump()
    sent = await h.say(EXPERT, "🏞 主动服务园区")  # open offers are listed with the parks
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == f"↩ 撤回提议 #{offer_id}（{PARK}）"))
    assert texts(sent) == [f"服务提议 #{offer_id} 已撤回。"]
    pushed = await h.pump()
    assert texts(pushed, PARK_HEAD) == texts(pushed, PARK_TECH) == [f"专家已撤回服务提议 #{offer_id}。"]
    sent = await h.press(PARK_HEAD, reply_to_offer(offer_id, "accept"))
    assert texts(sent) == ["专家已撤回这份服务提议。"]
    assert await _status(h, offer_id) is OfferStatus.withdrawn


async def test_an_unanswered_offer_expires_in_the_sweep_and_the_expert_is_told(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    offer_id, _ = await send_offer(h)
    await h.pump()
    almost = h.deps.clock() + offers.OFFER_TTL - timedelta(minutes=1)
    await sweep(dataclasses.replace(h.deps, clock=lambda: almost))
    assert await h.pump() == []
    later = h.deps.clock() + offers.OFFER_TTL
    await sweep(dataclasses.replace(h.deps, clock=lambda: later))
    pushed = await h.pump()
    assert texts(pushed, EXPERT) == [f"您给 {PARK} 的服务提议 #{offer_id} 无人答复，已过期。"]
    sent = await h.press(PARK_TECH, reply_to_offer(offer_id, "accept"))
    assert texts(sent) == ["这份服务提议已过期。"]


async def test_a_short_balance_is_said_plainly_and_the_offer_stays_open(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    offer_id, _ = await send_offer(h)
    async with h.deps.uow() as uow:
        park = await uow.session.scalar(select(ServiceObject.id).where(ServiceObject.name == PARK))
        assert park is not None
        account = await ledger.get_account(uow, park, 2031)
        await ledger.adjust(uow, account, -480000, Actor.system(), note="spent on other services")
        await uow.commit()
    sent = await h.press(PARK_TECH, reply_to_offer(offer_id, "accept"))
    assert texts(sent) == [
        "园区服务券余额不足：可用 ¥200，这项服务需要 ¥800。提议仍然有效，可联系旗县区科技管理部门后再接受。"
    ]
    assert await _status(h, offer_id) is OfferStatus.offered
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


async def test_a_rejected_offer_request_releases_the_hold_and_tells_both(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    offer_id, _ = await send_offer(h)
    await h.press(PARK_TECH, reply_to_offer(offer_id, "accept"))
    request_id = await h.latest_request_id()
    await h.pump()
    async with h.deps.uow() as uow:
        await requests.reject(uow, request_id, CITY_SYSTEM, reason="园区今年已安排同类培训")
        await uow.commit()
    pushed = await h.pump()
    assert any("未通过审核：园区今年已安排同类培训" in text for text in texts(pushed, PARK_TECH))
    assert texts(pushed, EXPERT) == [
        f"请求 #{request_id}（来自您的服务提议）未通过审核：园区今年已安排同类培训"
    ]
    assert await _park_balance(h) == ledger.Balance(500000, 0)


async def test_a_telegram_outage_delays_the_offer_instead_of_losing_it(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    offer_id, _ = await send_offer(h)
    h.session.unreachable = True
    assert await h.pump() == []
    h.session.unreachable = False
    pushed: list[TelegramMethod[Any]] = await h.pump()
    for member in (PARK_HEAD, PARK_TECH):
        assert [f"#{offer_id}" in text for text in texts(pushed, member)] == [True]
    assert await h.pump() == []  # and only once


async def test_a_flagged_term_in_the_offer_is_shown_to_the_reviewer(harness: Harness) -> None:
    h = harness
    await bind_park(h)
    offer_id, _ = await send_offer(h, text="园区扩建涉及征地补偿后的土壤改良，我可以来现场指导")
    await h.press(PARK_HEAD, reply_to_offer(offer_id, "accept"))
    async with h.deps.uow() as uow:
        [queued] = await pending_review(uow, CITY_SYSTEM)
    assert any("征地补偿" in flag for flag in queued.screening_flags)
    assert "征地补偿" in format_row(queued)


async def test_a_park_nobody_has_joined_cannot_be_offered_to(harness: Harness) -> None:
    h = harness
    await h.contact(EXPERT, EXPERT_PHONE)  # the park's members have not bound yet
    sent = await h.say(EXPERT, "🏞 主动服务园区")
    assert [label for label, _ in buttons(sent)] == [f"🏞 {PARK}（0 位成员）"]
    sent = await h.press(EXPERT, button(sent, lambda label, _: label.startswith("🏞")))
    assert texts(sent) == [f"{PARK} 还没有成员绑定精服，提议暂时无人能收到。请联系园区先绑定后再提议。"]
    sent = await h.say(EXPERT, OFFER)  # no form was opened
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceOffer)) == 0


async def test_a_member_who_binds_later_gets_the_open_offer_then(harness: Harness) -> None:
    h = harness
    await h.contact(EXPERT, EXPERT_PHONE)
    await h.contact(PARK_HEAD, PARK_HEAD_PHONE)
    offer_id, _ = await send_offer(h)
    pushed = await h.pump()
    assert texts(pushed, PARK_TECH) == []  # not bound yet: nobody to push to
    sent = await h.contact(PARK_TECH, PARK_TECH_PHONE)
    assert any(f"专家主动服务提议 #{offer_id}" in text for text in texts(sent, PARK_TECH))
    assert ("✅ 接受", reply_to_offer(offer_id, "accept")) in buttons(sent)
    sent = await h.press(PARK_TECH, reply_to_offer(offer_id, "accept"))
    assert texts(sent)[0].startswith(f"您已代表园区接受服务提议 #{offer_id}。")
