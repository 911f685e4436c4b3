"""Staff-issued invite codes through the bot: random, single-use, expiring, revocable; a bound person
is moved to another account only by a re-binding code, and the previous account is told."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.invite_codes import issue_code, revoke_code
from core.scope import CITY_SYSTEM
from storage.models import AuditLog, Expert, Farmer, InviteCode, ServiceObject
from tests.bot.conftest import EVENING, EXPERT, EXPERT_PHONE, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, buttons, texts

NEW_PHONE_ACCOUNT = 20901  # the expert's new Telegram account after he changed phones
STRANGER = 66602
PARK = "巴彦淖尔国家农业科技园区"


async def _expert_id(h: Harness) -> int:
    async with h.deps.uow() as uow:
        expert_id = await uow.session.scalar(select(Expert.id).where(Expert.phone == EXPERT_PHONE))
    assert expert_id is not None
    return int(expert_id)


async def _code(h: Harness, *, days: int = 7, rebind: bool = False, park: bool = False) -> str:
    async with h.deps.uow() as uow:
        if park:
            park_id = await uow.session.scalar(select(ServiceObject.id).where(ServiceObject.name == PARK))
            issued = await issue_code(uow, CITY_SYSTEM, service_object_id=park_id, days=days, now=EVENING)
        else:
            expert_id = await _expert_id(h)
            issued = await issue_code(
                uow, CITY_SYSTEM, expert_id=expert_id, days=days, rebind=rebind, now=EVENING
            )
    return issued.code


async def _bound_to(h: Harness) -> int | None:
    async with h.deps.uow() as uow:
        return await uow.session.scalar(select(Expert.telegram_user_id).where(Expert.phone == EXPERT_PHONE))


async def _refusals(h: Harness) -> list[tuple[int, str]]:
    async with h.deps.uow() as uow:
        rows = (await uow.session.scalars(select(AuditLog).where(AuditLog.action == "bind.refuse"))).all()
    return [(r.detail["telegram_user_id"], r.detail["reason"]) for r in rows]


async def test_a_code_binds_an_unbound_expert_once_by_deep_link(harness: Harness) -> None:
    code = await _code(harness)
    sent = await harness.say(EXPERT, f"/start {code}")
    assert "欢迎您，王建国专家" in texts(sent)[0]
    assert await _bound_to(harness) == EXPERT

    sent = await harness.say(STRANGER, code)  # single use: the same code again binds nobody
    assert "已经用过了" in texts(sent)[0]
    assert await _bound_to(harness) == EXPERT
    async with harness.deps.uow() as uow:
        row = await uow.session.scalar(select(InviteCode))
        assert row is not None and row.used_by == EXPERT and row.used_at == EVENING
        uses = await uow.session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "invite_code.use")
        )
        assert uses == 1
    assert await _refusals(harness) == [(STRANGER, "code_used")]


async def test_a_code_is_read_in_lower_case_with_spaces_or_no_dashes(harness: Harness) -> None:
    code = await _code(harness)
    typed = code.replace("-", " ").lower()
    sent = await harness.say(EXPERT, typed)
    assert "欢迎您，王建国专家" in texts(sent)[0]


async def test_an_expired_code_says_to_ask_the_county_for_a_new_one(harness: Harness) -> None:
    async with harness.deps.uow() as uow:
        issued = await issue_code(
            uow, CITY_SYSTEM, expert_id=await _expert_id(harness), days=1, now=EVENING - timedelta(days=2)
        )
    sent = await harness.say(EXPERT, issued.code.replace("-", ""))
    assert "已过期" in texts(sent)[0] and "索取新的邀请码" in texts(sent)[0]
    assert await _bound_to(harness) is None
    assert await _refusals(harness) == [(EXPERT, "code_expired")]


async def test_a_revoked_code_binds_nobody(harness: Harness) -> None:
    code = await _code(harness)
    async with harness.deps.uow() as uow:
        await revoke_code(uow, CITY_SYSTEM, code)
    sent = await harness.say(EXPERT, code)
    assert "已作废" in texts(sent)[0]
    assert await _bound_to(harness) is None


async def test_an_ordinary_code_never_moves_a_bound_expert(harness: Harness) -> None:
    code = await _code(harness)  # issued while he was unbound; he then bound by phone
    await harness.contact(EXPERT, EXPERT_PHONE)
    sent = await harness.say(STRANGER, code)
    assert "已绑定另一个 Telegram 账号" in texts(sent)[0]
    assert await _bound_to(harness) == EXPERT
    assert await _refusals(harness) == [(STRANGER, "person_bound")]


async def test_a_rebinding_code_moves_the_expert_and_tells_the_previous_account(harness: Harness) -> None:
    await harness.contact(EXPERT, EXPERT_PHONE)
    code = await _code(harness, rebind=True)
    await harness.pump()

    sent = await harness.say(NEW_PHONE_ACCOUNT, f"/start {code}")

    assert "欢迎您，王建国专家" in texts(sent)[0]
    assert await _bound_to(harness) == NEW_PHONE_ACCOUNT
    told = await harness.pump()
    assert (
        len(texts(told, chat_id=EXPERT)) == 1
        and "换绑到另一个 Telegram 账号" in texts(told, chat_id=EXPERT)[0]
    )
    assert texts(await harness.pump()) == []  # told once
    sent = await harness.say(EXPERT, "/start")  # the old account is an unknown one now
    assert "分享手机号绑定】按钮" in texts(sent)[0]
    async with harness.deps.uow() as uow:
        rebind = await uow.session.scalar(select(AuditLog).where(AuditLog.action == "rebind"))
        assert rebind is not None and rebind.detail["previous_telegram_user_id"] == EXPERT


async def test_a_bound_account_cannot_bind_a_second_identity_with_a_code(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    code = await _code(harness)
    for sent in (await harness.say(FARMER, code), await harness.say(FARMER, f"/start {code}")):
        assert "一个账号只能绑定一个身份" in texts(sent)[0]
    assert await _bound_to(harness) is None
    sent = await harness.say(EXPERT, code)  # the code was not spent by the refusals
    assert "欢迎您，王建国专家" in texts(sent)[0]


async def test_a_service_object_code_binds_one_member_once(harness: Harness) -> None:
    code = await _code(harness, park=True)
    sent = await harness.say(STRANGER, code)
    assert "欢迎您" in texts(sent)[0]
    sent = await harness.say(STRANGER + 1, code)
    assert "已经用过了" in texts(sent)[0]
    async with harness.deps.uow() as uow:
        farmers = (await uow.session.scalars(select(Farmer))).all()
        assert [f.telegram_user_id for f in farmers] == [STRANGER]


async def test_a_wrong_code_is_called_wrong_in_english_too(harness: Harness) -> None:
    await _code(harness)
    sent = await harness.say(STRANGER, "ABCD-EFGH-JKMN-PQRS")
    assert "邀请码不正确" in texts(sent)[0]
    sent = await harness.say(STRANGER, "/language")
    await harness.press(STRANGER, next(d for label, d in buttons(sent) if label == "English"))
    sent = await harness.say(STRANGER, "abcd efgh jkmn pqrs")
    assert texts(sent)[0].startswith("That invite code is wrong.")


async def test_guessing_codes_stops_after_a_handful_of_wrong_ones_an_hour(harness: Harness) -> None:
    # 80 bits make guessing hopeless anyway; the limit keeps a guesser from filling the audit log.
    code = await _code(harness)
    for n in range(5):
        sent = await harness.say(STRANGER, f"ABCD-EFGH-JKMN-PQ{n}0")
        assert "邀请码不正确" in texts(sent)[0]
    sent = await harness.say(STRANGER, code)  # even a right one, for the next hour
    assert "输错次数太多" in texts(sent)[0] and "一小时后" in texts(sent)[0]
    assert await _bound_to(harness) is None
    assert await _refusals(harness) == [(STRANGER, "code_unknown")] * 5  # the throttled one is not logged
    sent = await harness.say(EXPERT, code)  # others are not held up
    assert "欢迎您，王建国专家" in texts(sent)[0]
