"""A review decision and its audit entry are one transaction: neither is ever kept without the other."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core import audit, review
from core.scope import CITY_SYSTEM
from storage.enums import RequestStatus
from storage.uow import UnitOfWork
from tests.bot.test_review_cli import pending_request, status_of
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


class AuditDown(Exception):
    pass


async def _audit_fails(*_: object, **__: object) -> None:
    raise AuditDown


@pytest.mark.parametrize("decision", ["approve", "reject"])
async def test_a_decision_whose_audit_entry_fails_is_not_kept(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch, decision: str
) -> None:
    request_id = await pending_request(uow_factory, await build_world(uow_factory))
    monkeypatch.setattr(audit, "record", _audit_fails)
    async with uow_factory() as uow:
        with pytest.raises(AuditDown):
            if decision == "approve":
                await review.approve(uow, request_id, CITY_SYSTEM, via="test")
            else:
                await review.reject(uow, request_id, CITY_SYSTEM, reason="请补充照片", via="test")
    assert await status_of(uow_factory, request_id) is RequestStatus.pending_review
