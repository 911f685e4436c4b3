"""Advisories end to end: an expert publishes, county staff review, the farmers it concerns receive it
(their county, their industries, advisories on), the expert hears the outcome; each farmer once."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError
from aiogram.methods import SendMessage, TelegramMethod
from sqlalchemy import select

from core import advisories
from core.errors import IllegalTransition, InvalidInput, NotPermitted
from core.scope import CITY_SYSTEM, Staff
from storage.enums import AdvisoryStatus, DeliveryStatus
from storage.models import AdvisoryDelivery, AuditLog, County, Farmer
from tests.bot.conftest import EXPERT, EXPERT_PHONE, FARMER, FARMER_PHONE, OTHER_FARMER, OTHER_FARMER_PHONE
from tests.bot.harness import Harness, button, texts

TOMATO_FARMER = 10011  # 赵红梅, 临河区干召庙镇番茄示范点 (番茄, 辣椒)
TOMATO_FARMER_PHONE = "13904781011"
SUNFLOWER_NEIGHBOUR = 10012  # 王秀兰, 王二牛示范户 (向日葵, 小麦)
SUNFLOWER_NEIGHBOUR_PHONE = "13904781002"


async def _publish(h: Harness, body: str, subjects: str | None) -> int:
    sent = await h.say(EXPERT, "📢 发布农情")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "病虫害"))
    sent = await h.say(EXPERT, body)
    if subjects is None:
        sent = await h.press(EXPERT, button(sent, lambda label, _: label == "适用于全部"))
    else:
        sent = await h.say(EXPERT, subjects)
    assert "已提交审核" in texts(sent)[0]
    async with h.deps.uow() as uow:
        [queued] = await advisories.pending_advisories(uow, CITY_SYSTEM)
        return queued.id


async def _bind_everyone(h: Harness) -> None:
    for user, phone in (
        (FARMER, FARMER_PHONE),
        (EXPERT, EXPERT_PHONE),
        (OTHER_FARMER, OTHER_FARMER_PHONE),
        (TOMATO_FARMER, TOMATO_FARMER_PHONE),
        (SUNFLOWER_NEIGHBOUR, SUNFLOWER_NEIGHBOUR_PHONE),
    ):
        await h.contact(user, phone)


async def test_an_approved_advisory_reaches_the_county_farmers_it_concerns_once(harness: Harness) -> None:
    h = harness
    await _bind_everyone(h)
    sent = await h.say(SUNFLOWER_NEIGHBOUR, "🔔 农情推送开/关")
    assert texts(sent) == ["已关闭农情推送。"]
    advisory_id = await _publish(h, "向日葵螟预警\n近期气温升高，请注意向日葵螟<及时诱杀>", "向日葵")

    async with h.deps.uow() as uow:
        [queued] = await advisories.pending_advisories(uow, CITY_SYSTEM)
        assert (queued.county, queued.expert, queued.recipients) == ("临河区", "王建国", 1)
        _, count = await advisories.approve_advisory(uow, advisory_id, CITY_SYSTEM, via="test")
        assert count == 1

    pushed = await h.pump()
    [copy] = texts(pushed, FARMER)
    assert copy.startswith("<b>【病虫害】临河区农情提示</b>\n向日葵螟预警")
    assert "&lt;及时诱杀&gt;" in copy and "发布专家：王建国" in copy and "适用于：向日葵" in copy
    assert texts(pushed, EXPERT) == [f"你的农情 #{advisory_id} 已通过审核，正在推送给 1 户。"]
    # Other county, other industry, advisories off: nothing.
    for user in (OTHER_FARMER, TOMATO_FARMER, SUNFLOWER_NEIGHBOUR):
        assert texts(pushed, user) == []

    assert await h.pump() == []  # sent once, the outcome told once
    async with h.deps.uow() as uow:
        delivery = await uow.session.scalar(select(AdvisoryDelivery))
        assert delivery is not None and delivery.status is DeliveryStatus.sent
        advisory = await uow.session.get(advisories.Advisory, advisory_id)
        assert advisory is not None and advisory.status is AdvisoryStatus.sent
        audit = await uow.session.scalar(select(AuditLog).where(AuditLog.action == "advisory.approve"))
        assert audit is not None and audit.detail["recipients"] == 1


async def test_an_advisory_for_everyone_reaches_every_farmer_of_the_county(harness: Harness) -> None:
    h = harness
    await _bind_everyone(h)
    advisory_id = await _publish(h, "大风降温预警\n明后两天有大风，请加固大棚", None)
    async with h.deps.uow() as uow:
        await advisories.approve_advisory(uow, advisory_id, CITY_SYSTEM, via="test")
    pushed = await h.pump()
    for user in (FARMER, TOMATO_FARMER, SUNFLOWER_NEIGHBOUR):
        assert len(texts(pushed, user)) == 1
    assert texts(pushed, OTHER_FARMER) == []


async def test_a_rejected_advisory_goes_to_nobody_and_the_expert_reads_why(harness: Harness) -> None:
    h = harness
    await _bind_everyone(h)
    advisory_id = await _publish(h, "防治建议\n用某某药", "向日葵")
    async with h.deps.uow() as uow:
        with pytest.raises(InvalidInput):
            await advisories.reject_advisory(uow, advisory_id, CITY_SYSTEM, reason="  ", via="test")
        await advisories.reject_advisory(uow, advisory_id, CITY_SYSTEM, reason="请写明药名和用量", via="test")
    pushed = await h.pump()
    assert texts(pushed) == [
        f"你的农情 #{advisory_id} 未通过审核。原因：请写明药名和用量\n修改后可以重新发布。"
    ]
    async with h.deps.uow() as uow:
        with pytest.raises(IllegalTransition, match="already reviewed"):
            await advisories.approve_advisory(uow, advisory_id, CITY_SYSTEM, via="test")


async def test_county_staff_review_their_own_county_only(harness: Harness) -> None:
    h = harness
    await _bind_everyone(h)
    advisory_id = await _publish(h, "羊痘防控\n请及时接种疫苗", None)
    async with h.deps.uow() as uow:
        wuyuan = await uow.session.scalar(select(County.id).where(County.name == "五原县"))
        assert wuyuan is not None
        other = Staff(admin_id=None, county_id=wuyuan)
        assert await advisories.pending_advisories(uow, other) == []
        with pytest.raises(NotPermitted, match="advisory belongs to another county"):
            await advisories.approve_advisory(uow, advisory_id, other, via="test")
    assert texts(await h.pump(), FARMER) == []


def test_subjects_match_industries_that_name_the_same_crop_or_animal() -> None:
    assert advisories.concerns(["肉羊"], ["羊"])
    assert advisories.concerns(["向日葵", "小麦"], ["向日葵"])
    assert advisories.concerns(["番茄"], [])
    assert not advisories.concerns(["番茄", "辣椒"], ["向日葵"])
    assert not advisories.concerns([], ["向日葵"])


async def test_a_network_failure_leaves_the_copy_for_later_and_a_blocked_chat_is_not_retried(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await _bind_everyone(h)
    advisory_id = await _publish(h, "大风降温预警\n明后两天有大风，请加固大棚", None)
    async with h.deps.uow() as uow:
        await advisories.approve_advisory(uow, advisory_id, CITY_SYSTEM, via="test")
    failures: dict[int, Exception] = {
        FARMER: TelegramNetworkError(method=SendMessage(chat_id=FARMER, text=""), message="timeout")
    }

    def fail_for(method: TelegramMethod[Any]) -> None:
        error = failures.get(getattr(method, "chat_id", 0))
        if error is not None and isinstance(method, SendMessage):
            raise error

    monkeypatch.setattr(h.session, "on_request", fail_for)
    await h.pump()
    assert await _copies(h) == {
        FARMER: DeliveryStatus.pending,
        TOMATO_FARMER: DeliveryStatus.pending,
        SUNFLOWER_NEIGHBOUR: DeliveryStatus.pending,
    }
    failures[FARMER] = TelegramForbiddenError(method=SendMessage(chat_id=FARMER, text=""), message="blocked")
    pushed = await h.pump()
    assert await _copies(h) == {
        FARMER: DeliveryStatus.unreachable,
        TOMATO_FARMER: DeliveryStatus.sent,
        SUNFLOWER_NEIGHBOUR: DeliveryStatus.sent,
    }
    assert len(texts(pushed, TOMATO_FARMER)) == 1 and len(texts(pushed, SUNFLOWER_NEIGHBOUR)) == 1
    async with h.deps.uow() as uow:
        advisory = await uow.session.get(advisories.Advisory, advisory_id)
        assert advisory is not None and advisory.status is AdvisoryStatus.sent


async def _copies(h: Harness) -> dict[int, DeliveryStatus]:
    async with h.deps.uow() as uow:
        rows = await uow.session.execute(
            select(Farmer.telegram_user_id, AdvisoryDelivery.status).join(
                Farmer, Farmer.id == AdvisoryDelivery.farmer_id
            )
        )
        return {user: status for user, status in rows.all()}
