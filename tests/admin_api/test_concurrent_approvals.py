"""Twenty reviewers approve one request at the same moment: one approval, nineteen told who won.

Run on PostgreSQL (TEST_DATABASE_URL) this is a real race: twenty connections, twenty transactions.
core.requests.approve reads the request locked (SELECT … FOR UPDATE) and core.lifecycle writes the
status only where it is still the one read, so the losers wait, then find it approved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from core.admin_tokens import create_token
from storage.enums import AdminRole, RequestStatus
from storage.models import AuditLog, RequestEvent
from storage.uow import UnitOfWork
from tests.admin_api.test_request_detail import flagged_request
from tests.bot.test_review_cli import status_of
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
REVIEWERS = 20


async def test_twenty_concurrent_approvals_make_one(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = []
    for _ in range(REVIEWERS):
        async with uow_factory() as uow:
            issued = await create_token(uow, role=AdminRole.county_reviewer, county_name="临河区")
        headers.append({"Authorization": f"Bearer {issued.token}"})

    async def approve(h: dict[str, str]) -> tuple[int, dict[str, object]]:
        response = await api.post(f"/api/v1/requests/{request_id}/approve", headers=h)
        return response.status, await response.json()

    answers = await asyncio.gather(*(approve(h) for h in headers))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [409] * (REVIEWERS - 1), statuses
    for status, body in answers:
        if status == 409:
            assert body["current_status"] == "approved", body
    assert await status_of(uow_factory, request_id) is RequestStatus.approved
    async with uow_factory() as uow:
        events = await uow.session.scalar(
            select(func.count()).where(
                RequestEvent.request_id == request_id, RequestEvent.action == "approve"
            )
        )
        audited = await uow.session.scalar(
            select(func.count()).where(AuditLog.entity_id == request_id, AuditLog.action == "request.approve")
        )
    assert (events, audited) == (1, 1)
