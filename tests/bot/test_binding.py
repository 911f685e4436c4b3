"""Binding: the roster phone or an invite code; unbound users get instructions and nothing else."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from storage.models import AuditLog, Expert, Farmer, ServiceRequest
from tests.bot.conftest import EXPERT, EXPERT_PHONE, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, buttons, texts


async def test_unbound_user_gets_instructions_and_a_share_phone_button(harness: Harness) -> None:
    sent = await harness.say(FARMER, "/start")
    assert "分享手机号绑定】按钮" in texts(sent)[0]
    assert ("📱 分享手机号绑定", "") in buttons(sent)
    sent = await harness.say(FARMER, "你好")
    assert texts(sent) == ["您还没有绑定服务对象。请点击下方按钮分享手机号，或发送邀请码。"]
    assert ("📱 分享手机号绑定", "") in buttons(sent)


async def test_a_problem_written_before_binding_is_taken_up_after_binding(harness: Harness) -> None:
    sent = await harness.say(FARMER, "我家葵花叶子发黄还有黑斑，种了20亩")
    assert "绑定后不用重新描述" in texts(sent)[0] and ("📱 分享手机号绑定", "") in buttons(sent)
    async with harness.deps.uow() as uow:  # nothing is stored for someone not yet known
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0

    sent = await harness.contact(FARMER, FARMER_PHONE)

    shown = texts(sent)
    assert "欢迎您，王二牛" in shown[0] and "您绑定前发来的问题" in shown[1]
    assert not any("请用文字描述问题" in text for text in shown)  # not asked to describe it again
    async with harness.deps.uow() as uow:
        draft = await uow.session.scalar(select(ServiceRequest))
        assert draft is not None and draft.description == "我家葵花叶子发黄还有黑斑，种了20亩"
        assert draft.subject == "向日葵"
    # Only once: a later /start does not start it again.
    await harness.say(FARMER, "/start")
    async with harness.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 1


async def test_a_banned_word_written_before_binding_is_screened_when_taken_up(harness: Harness) -> None:
    await harness.say(FARMER, "我家玉米叶子黄了，顺便问问哪里能买到冰毒")
    sent = await harness.contact(FARMER, FARMER_PHONE)
    # The polite explanation says where the word is, masked
    assert any("「冰*」" in text for text in texts(sent)) and not any("冰毒" in text for text in texts(sent))
    async with harness.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


async def test_an_expert_binding_does_not_take_up_a_text_as_a_farmers_problem(harness: Harness) -> None:
    await harness.say(EXPERT, "玉米叶子发黄怎么办")
    sent = await harness.contact(EXPERT, EXPERT_PHONE)
    assert "王建国专家" in texts(sent)[0] and not any("绑定前" in text for text in texts(sent))
    async with harness.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


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


async def test_language_switches_to_english(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = await harness.say(FARMER, "/language")
    sent = await harness.press(FARMER, next(d for label, d in buttons(sent) if label == "English"))
    assert "Language set to English." in texts(sent)
    assert ("📝 Describe a problem", "") in buttons(sent)
    sent = await harness.say(FARMER, "💳 Voucher balance")
    assert texts(sent)[0].startswith("Voucher balance: <b>¥600</b> available")


async def test_english_chosen_before_binding_stays_after_it(harness: Harness) -> None:
    # The welcome was in English, and every reply after it in Chinese: the choice lived only in
    # the chat, and a bound person's replies follow the account.
    for user, phone, welcome, help_title in (
        (FARMER, FARMER_PHONE, "Welcome, 王二牛!", "<b>How it works</b>"),
        (EXPERT, EXPERT_PHONE, "Welcome, 王建国!", "<b>For experts</b>"),
    ):
        sent = await harness.say(user, "/language")
        await harness.press(user, next(d for label, d in buttons(sent) if label == "English"))
        sent = await harness.contact(user, phone)
        assert texts(sent)[0].startswith(welcome)
        sent = await harness.say(user, "/help")
        assert texts(sent)[0].startswith(help_title)
    sent = await harness.say(FARMER, "💳 Voucher balance")
    assert texts(sent)[0].startswith("Voucher balance: <b>¥600</b> available")


async def test_a_bound_farmer_sending_something_unexpected_is_not_told_to_bind(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = await harness.location(FARMER, 40.75, 107.4)
    assert texts(sent) == ["我没能理解这条消息。请用文字描述问题，或使用下方菜单。"]


async def test_someone_already_bound_is_welcomed_back_and_never_bound_again(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    for sent in (await harness.say(FARMER, "/start"), await harness.contact(FARMER, FARMER_PHONE)):
        assert "欢迎您，王二牛！" in texts(sent)[0]


STRANGER = 66601  # on no roster and no expert record
WRONG_CODE = "邀请码不正确"


async def test_a_stranger_with_an_experts_old_demo_code_does_not_take_over_the_account(
    harness: Harness,
) -> None:
    # Issue 13: a new user sent /start, then the expert's demo code (the first 7 hex characters of
    # sha256 of his phone); the expert's account became the stranger's, who received the pending
    # invitations with farmers' problem text, and the expert was told he was not bound.
    await harness.contact(EXPERT, EXPERT_PHONE)
    old_code = "E" + hashlib.sha256(EXPERT_PHONE.encode()).hexdigest()[:7].upper()

    await harness.say(STRANGER, "/start")
    sent = await harness.say(STRANGER, old_code)

    assert len(texts(sent)) == 1 and WRONG_CODE in texts(sent)[0]
    assert not any("专家" in text for text in texts(sent))
    async with harness.deps.uow() as uow:
        expert = await uow.session.scalar(select(Expert).where(Expert.phone == EXPERT_PHONE))
        assert expert is not None and expert.telegram_user_id == EXPERT
    sent = await harness.say(STRANGER, f"/start {old_code}")
    assert WRONG_CODE in texts(sent)[0]
    sent = await harness.say(EXPERT, "/start")
    assert "欢迎您，王建国专家" in texts(sent)[0]


async def test_an_experts_phone_does_not_move_his_bound_account_to_another(harness: Harness) -> None:
    # bind_by_phone overwrote experts.telegram_user_id: a second account with the expert's number
    # (a new phone, a SIM passed on) took the account over silently.
    await harness.contact(EXPERT, EXPERT_PHONE)
    sent = await harness.contact(STRANGER, EXPERT_PHONE)
    assert "已绑定另一个 Telegram 账号" in texts(sent)[0] and "旗县区科技管理部门" in texts(sent)[0]
    async with harness.deps.uow() as uow:
        expert = await uow.session.scalar(select(Expert).where(Expert.phone == EXPERT_PHONE))
        assert expert is not None and expert.telegram_user_id == EXPERT
        refused = (await uow.session.scalars(select(AuditLog).where(AuditLog.action == "bind.refuse"))).all()
        assert [
            (r.entity, r.entity_id, r.detail["telegram_user_id"], r.detail["reason"]) for r in refused
        ] == [("expert", expert.id, STRANGER, "person_bound")]


@pytest.mark.parametrize(
    "shared",
    ["+8613904781001", "8613904781001", "008613904781001", "+86 139-0478-1001", "+86 139 0478 1001"],
)
async def test_a_mainland_mobile_binds_in_any_international_form(harness: Harness, shared: str) -> None:
    sent = await harness.contact(FARMER, shared, exactly=True)
    assert "欢迎您，王二牛" in texts(sent)[0]


NOT_MAINLAND = "只有登记在本旗县区名册上的中国大陆手机号"


@pytest.mark.parametrize(
    "shared",
    [
        "+13904781002",  # the issue's case: +1, whose national digits are 王秀兰's roster phone
        "13904781002",  # the same as Telegram may send it, without '+'
        "+85213904781",  # Hong Kong
        "+852 9123 4567",
        "+86 10 6412 3456",  # a Beijing landline
        "+8647812345678",  # too long for a mainland number
        "not a phone",
        "",
    ],
)
async def test_a_number_that_is_not_a_mainland_mobile_does_not_bind(harness: Harness, shared: str) -> None:
    sent = await harness.contact(FARMER, shared, exactly=True)
    assert NOT_MAINLAND in texts(sent)[0] and "邀请码" in texts(sent)[0]
    async with harness.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Farmer)) == 0
        assert (
            await uow.session.scalar(
                select(func.count()).select_from(Expert).where(Expert.telegram_user_id.is_not(None))
            )
            == 0
        )


async def test_the_refusal_of_a_foreign_number_is_in_english_too(harness: Harness) -> None:
    sent = await harness.say(FARMER, "/language")
    await harness.press(FARMER, next(d for label, d in buttons(sent) if label == "English"))
    sent = await harness.contact(FARMER, "+13904781002", exactly=True)
    assert "Only a mainland China mobile number (+86) on your county's roster can bind" in texts(sent)[0]
