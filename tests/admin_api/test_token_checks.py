"""A token check on every call costs no write: what it remembers, for how long, and what stays exact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from core import admin_tokens, review
from core.admin_tokens import IssuedToken, create_token, token_holder
from storage.enums import AdminRole
from storage.models import ApiToken
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


async def _issue(uow_factory: UowFactory, **kwargs: object) -> IssuedToken:
    await build_world(uow_factory)
    async with uow_factory() as uow:
        return await create_token(uow, role=AdminRole.county_reviewer, county_name="临河区", **kwargs)  # type: ignore[arg-type]


async def _last_used(uow_factory: UowFactory, issued: IssuedToken) -> datetime | None:
    async with uow_factory() as uow:
        return await uow.session.scalar(
            select(ApiToken.last_used_at).where(ApiToken.admin_user_id == issued.admin_user_id)
        )


async def _holder_id(uow_factory: UowFactory, token: str, now: datetime) -> int | None:
    async with uow_factory() as uow:
        holder = await token_holder(uow, token, now=now)
    return None if holder is None else holder.admin_user_id


async def test_last_use_is_written_once_a_minute(uow_factory: UowFactory) -> None:
    issued = await _issue(uow_factory)
    first = utcnow()
    assert await _holder_id(uow_factory, issued.token, first) == issued.admin_user_id
    assert await _last_used(uow_factory, issued) == first
    await _holder_id(uow_factory, issued.token, first + timedelta(seconds=59))
    assert await _last_used(uow_factory, issued) == first  # a read within the minute wrote nothing
    later = first + timedelta(seconds=61)
    await _holder_id(uow_factory, issued.token, later)
    assert await _last_used(uow_factory, issued) == later


async def test_expiry_is_exact_while_the_token_is_remembered(uow_factory: UowFactory) -> None:
    issued = await _issue(uow_factory, days=1)
    assert await _holder_id(uow_factory, issued.token, issued.expires_at - timedelta(seconds=1))
    assert await _holder_id(uow_factory, issued.token, issued.expires_at) is None


async def test_a_token_revoked_elsewhere_stops_once_it_is_read_again(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = await _issue(uow_factory)
    now = utcnow()
    assert await _holder_id(uow_factory, issued.token, now)
    # Another process (the CLI) revokes it: this process learns of it within RECHECK_AFTER_S.
    async with uow_factory() as uow:
        await uow.session.execute(
            update(ApiToken).where(ApiToken.admin_user_id == issued.admin_user_id).values(revoked_at=now)
        )
        await uow.commit()
    assert await _holder_id(uow_factory, issued.token, now) == issued.admin_user_id
    monkeypatch.setattr(admin_tokens, "RECHECK_AFTER_S", 0.0)  # the window has passed
    assert await _holder_id(uow_factory, issued.token, now) is None


async def test_a_token_revoked_in_this_process_stops_at_once(uow_factory: UowFactory) -> None:
    issued = await _issue(uow_factory)
    assert await _holder_id(uow_factory, issued.token, utcnow())
    async with uow_factory() as uow:
        await admin_tokens.revoke_token(uow, issued.token[:10])
    assert await _holder_id(uow_factory, issued.token, utcnow()) is None


async def test_a_remembered_token_is_checked_from_memory_until_the_database_must_be_asked(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = await _issue(uow_factory, days=1)
    now = utcnow()
    assert review.remembered_staff(issued.token, now=now) is None  # never read here yet
    assert await _holder_id(uow_factory, issued.token, now) == issued.admin_user_id
    staff = review.remembered_staff(issued.token, now=now + timedelta(seconds=30))
    assert staff is not None and (staff.admin_id, staff.county_id) == (issued.admin_user_id, issued.county_id)
    # Its last use is due to be written, it has expired, or it must be read again: the database decides.
    assert review.remembered_staff(issued.token, now=now + timedelta(seconds=61)) is None
    assert review.remembered_staff(issued.token, now=issued.expires_at) is None
    monkeypatch.setattr(admin_tokens, "RECHECK_AFTER_S", 0.0)
    assert review.remembered_staff(issued.token, now=now) is None
