"""Invite codes in core: 80 random bits, typed loosely, stored only as a hash, issued with care,
single-use even when two accounts send one at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import invite_codes
from core.binding import BindingRefused, bind_by_code
from core.errors import InvalidInput, NotFound, NotPermitted
from core.invite_codes import ALPHABET, LENGTH, canonical, issue_code, revoke_code
from core.scope import CITY_SYSTEM, Staff
from storage.models import AuditLog, Expert, InviteCode
from storage.uow import UnitOfWork
from tests.demo_world import build_world

EVENING = datetime(2031, 6, 3, 11, 0, tzinfo=UTC)


def test_a_code_carries_80_random_bits_in_four_groups() -> None:
    codes = {invite_codes.new_code() for _ in range(2000)}
    assert len(codes) == 2000  # no repeats: random, not derived from anything
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert len(ALPHABET) ** LENGTH >= 2**80
    assert invite_codes.grouped("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKMN-PQRS",
        "abcd-efgh-jkmn-pqrs",
        "ABCDEFGHJKMNPQRS",
        " abcd efgh jkmn pqrs ",
        "AbCd - EfGh-JKMN PQRS",
    ],
)
def test_a_code_is_read_in_any_case_with_or_without_separators(typed: str) -> None:
    assert canonical(typed) == "ABCDEFGHJKMNPQRS"


def test_letters_misread_for_digits_are_read_as_the_digits() -> None:
    assert canonical("IL0O-0000-0000-0000") == "1100000000000000"


@pytest.mark.parametrize(
    "typed", ["", "E208B0C3", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRST", "ABCD-EFGH-JKMN-PQRU", "你好你好"]
)
def test_what_cannot_be_a_code_is_none(typed: str) -> None:
    assert canonical(typed) is None


async def _expert(uow_factory: Callable[[], UnitOfWork], name: str = "王建国") -> int:
    world = await build_world(uow_factory, now=EVENING)
    return world.experts[name]


async def test_only_the_hash_is_stored_and_the_issue_is_audited(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    expert_id = await _expert(uow_factory)
    async with uow_factory() as uow:
        issued = await issue_code(uow, Staff(admin_id=None, county_id=None), expert_id=expert_id, now=EVENING)
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(InviteCode))
        assert row is not None and row.expires_at == EVENING.replace(day=10)  # 7 days by default
        stored = " ".join(str(v) for v in vars(row).values())
        plain = canonical(issued.code)
        assert plain is not None and plain not in stored and issued.code not in stored
        assert row.code_hash == invite_codes.hash_code(plain)
        audit = await uow.session.scalar(select(AuditLog).where(AuditLog.action == "invite_code.issue"))
        assert audit is not None and audit.entity_id == row.id and audit.detail["expert_id"] == expert_id
        assert issued.code not in str(audit.detail)


async def test_issuing_refuses_what_could_not_work(uow_factory: Callable[[], UnitOfWork]) -> None:
    expert_id = await _expert(uow_factory)
    async with uow_factory() as uow:
        with pytest.raises(NotFound, match="no expert with id 999999"):
            await issue_code(uow, CITY_SYSTEM, expert_id=999999)
        with pytest.raises(InvalidInput, match="between 1 and 2147483647"):
            await issue_code(uow, CITY_SYSTEM, expert_id=2**63)
        with pytest.raises(InvalidInput, match="1 to 90 days"):
            await issue_code(uow, CITY_SYSTEM, expert_id=expert_id, days=-1)
        with pytest.raises(InvalidInput, match="one expert"):
            await issue_code(uow, CITY_SYSTEM)
        expert = await uow.session.get(Expert, expert_id)
        assert expert is not None
        expert.telegram_user_id = 777
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted, match="--rebind"):
            await issue_code(uow, CITY_SYSTEM, expert_id=expert_id)
        assert (await issue_code(uow, CITY_SYSTEM, expert_id=expert_id, rebind=True)).rebind


async def test_county_staff_issue_and_revoke_for_their_own_county_only(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await build_world(uow_factory, now=EVENING)
    other_county = Staff(admin_id=None, county_id=world.other_county_id)
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted, match="another county"):
            await issue_code(uow, other_county, expert_id=world.experts["王建国"])
        issued = await issue_code(uow, CITY_SYSTEM, service_object_id=world.service_object_id)
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted, match="another county"):
            await revoke_code(uow, other_county, issued.code)


async def test_two_accounts_sending_one_code_at_once_bind_one(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await build_world(uow_factory, now=EVENING)
    async with uow_factory() as uow:
        issued = await issue_code(uow, CITY_SYSTEM, service_object_id=world.service_object_id, now=EVENING)

    async def send(user: int) -> bool:
        async with uow_factory() as uow:
            try:
                await bind_by_code(uow, user, issued.code, f"农户{user}", now=EVENING)
            except BindingRefused as refused:
                assert refused.reason == "code_used"
                return False
            return True

    assert sorted(await asyncio.gather(*(send(50_000 + n) for n in range(5)))) == [False] * 4 + [True]
