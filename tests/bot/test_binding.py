"""Binding: the roster phone or an invite code; unbound users get instructions and nothing else."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Expert, Farmer
from tests.bot.conftest import EXPERT, EXPERT_PHONE, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, buttons, texts


async def test_unbound_user_gets_instructions_and_a_share_phone_button(harness: Harness) -> None:
    sent = await harness.say(FARMER, "/start")
    assert "分享您的手机号" in texts(sent)[0]
    assert ("📱 分享手机号绑定", "") in buttons(sent)
    sent = await harness.say(FARMER, "我家葵花叶子黄了")
    assert texts(sent) == ["您还没有绑定服务对象。请点击下方按钮分享手机号，或发送邀请码。"]


async def test_sharing_the_roster_phone_binds_the_farmer_to_the_service_object(harness: Harness) -> None:
    sent = await harness.contact(FARMER, FARMER_PHONE)
    assert "欢迎您，王二牛" in texts(sent)[0]
    async with harness.deps.uow() as uow:
        farmer = await uow.session.scalar(select(Farmer).where(Farmer.telegram_user_id == FARMER))
        assert farmer is not None and farmer.phone == "13904781001"


async def test_someone_elses_contact_card_does_not_bind(harness: Harness) -> None:
    sent = await harness.contact(FARMER, FARMER_PHONE, owner=FARMER + 1)
    assert "本人的手机号" in texts(sent)[0]
    async with harness.deps.uow() as uow:
        assert await uow.session.scalar(select(Farmer).where(Farmer.telegram_user_id == FARMER)) is None


async def test_unknown_phone_is_told_whom_to_ask(harness: Harness) -> None:
    sent = await harness.contact(FARMER, "13900000000")
    assert "联系所在旗县区科技管理部门" in texts(sent)[0]


async def test_expert_binds_by_phone_and_sees_the_expert_menu(harness: Harness) -> None:
    sent = await harness.contact(EXPERT, EXPERT_PHONE)
    assert "王建国专家" in texts(sent)[0]
    assert ("📋 待办请求", "") in buttons(sent)
    async with harness.deps.uow() as uow:
        expert = await uow.session.scalar(select(Expert).where(Expert.telegram_user_id == EXPERT))
        assert expert is not None and expert.name == "王建国"


async def test_deep_link_invite_code_binds(harness: Harness) -> None:
    async with harness.deps.uow() as uow:
        expert = await uow.session.scalar(select(Expert).where(Expert.phone == EXPERT_PHONE))
        assert expert is not None
        code = expert.invite_code
    sent = await harness.say(EXPERT, f"/start {code}")
    assert "王建国专家" in texts(sent)[0]


async def test_language_switches_to_english(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = await harness.say(FARMER, "/language")
    sent = await harness.press(FARMER, next(d for label, d in buttons(sent) if label == "English"))
    assert "Language set to English." in texts(sent)
    assert ("📝 Describe a problem", "") in buttons(sent)
    sent = await harness.say(FARMER, "💳 Voucher balance")
    assert texts(sent)[0].startswith("Voucher balance: <b>¥600</b> available")


async def test_a_bound_farmer_sending_something_unexpected_is_not_told_to_bind(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = await harness.location(FARMER, 40.75, 107.4)
    assert texts(sent) == ["我没能理解这条消息。请用文字描述问题，或使用下方菜单。"]
