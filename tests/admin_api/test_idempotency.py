"""`Idempotency-Key`: a reviewer's retried POST gets the first answer and changes nothing twice."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from core import idempotency
from core.admin_tokens import authenticate
from storage.enums import AdminRole
from storage.models import AuditLog, RequestEvent
from storage.models.admin import IdempotentCall, ReviewNote
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests.admin_api.test_request_detail import flagged_request
from tests.admin_api.test_review_desk import token
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def timed_api(
    session_factory: async_sessionmaker[AsyncSession], clock: Clock
) -> AsyncIterator[TestClient]:
    app = create_admin_app(AdminServices(session_factory=session_factory, clock=clock))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def _count(uow_factory: UowFactory, *where: object) -> int:
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).where(*where)) or 0)  # type: ignore[arg-type]


async def test_a_retried_approval_answers_the_same_and_acts_once(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = await token(uow_factory, AdminRole.county_reviewer, "临河区") | {"Idempotency-Key": "approve-1"}
    path = f"/api/v1/requests/{request_id}/approve"

    first = await api.post(path, headers=headers)
    retried = await api.post(path, headers=headers)
    assert (first.status, retried.status) == (200, 200)
    assert await retried.json() == await first.json() == {"id": request_id, "status": "approved"}
    assert retried.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert (
        await _count(uow_factory, RequestEvent.request_id == request_id, RequestEvent.action == "approve")
        == 1
    )
    assert await _count(uow_factory, AuditLog.action == "request.approve") == 1
    # Without the key a second approval is what it is: refused, the request already approved.
    assert (await api.post(path, headers={"Authorization": headers["Authorization"]})).status == 409


async def test_a_refusal_is_kept_too(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    await api.post(f"/api/v1/requests/{request_id}/approve", headers=headers)
    keyed = headers | {"Idempotency-Key": "late"}

    first = await api.post(f"/api/v1/requests/{request_id}/approve", headers=keyed)
    again = await api.post(f"/api/v1/requests/{request_id}/approve", headers=keyed)
    assert first.status == again.status == 409
    assert again.content_type == "application/problem+json"
    assert await again.json() == await first.json()


async def test_the_same_key_for_another_call_is_refused(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = await token(uow_factory, AdminRole.county_reviewer, "临河区") | {"Idempotency-Key": "k-1"}
    notes = f"/api/v1/requests/{request_id}/notes"

    assert (await api.post(notes, headers=headers, json={"text": "第一条"})).status == 201
    other_body = await api.post(notes, headers=headers, json={"text": "第二条"})
    assert other_body.status == 422 and "another call" in (await other_body.json())["detail"]
    other_path = await api.post(
        f"/api/v1/requests/{request_id}/reject", headers=headers, json={"text": "第一条"}
    )
    assert other_path.status == 422
    assert await _count(uow_factory, ReviewNote.request_id == request_id) == 1

    # Keys are each reviewer's own: a colleague's same key is another call.
    colleague = await token(uow_factory, AdminRole.county_reviewer, "临河区") | {"Idempotency-Key": "k-1"}
    assert (await api.post(notes, headers=colleague, json={"text": "第二条"})).status == 201


async def test_malformed_keys_are_400(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    for key in ("", "x" * 129, "审批-1", "café"):
        response = await api.post(
            f"/api/v1/requests/{request_id}/notes",
            headers=headers | {"Idempotency-Key": key},
            json={"text": "a"},
        )
        assert response.status == 400, repr(key)
        assert "Idempotency-Key" in (await response.json())["detail"]
    assert await _count(uow_factory, ReviewNote.request_id == request_id) == 0
    longest = headers | {"Idempotency-Key": "~" * 128}
    assert (
        await api.post(f"/api/v1/requests/{request_id}/notes", headers=longest, json={"text": "a"})
    ).status == 201


async def test_a_call_still_in_progress_is_answered_409(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    async with uow_factory() as uow:
        user = await authenticate(uow, headers["Authorization"].removeprefix("Bearer "), now=utcnow())
        assert user is not None
        path = f"/api/v1/requests/{request_id}/approve"
        reserved = await idempotency.reserve(
            uow,
            user.id,
            "busy",
            method="POST",
            path=path,
            body_hash=hashlib.sha256(b"").hexdigest(),
            now=utcnow(),
        )
        assert reserved is None  # this "first call" now holds the key and has not answered

    response = await api.post(path, headers=headers | {"Idempotency-Key": "busy"})
    assert response.status == 409 and response.headers["Retry-After"] == "1"
    assert "in progress" in (await response.json())["detail"]
    assert (
        await _count(uow_factory, RequestEvent.request_id == request_id, RequestEvent.action == "approve")
        == 0
    )


async def test_concurrent_calls_with_one_key_act_once(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = await token(uow_factory, AdminRole.county_reviewer, "临河区") | {
        "Idempotency-Key": "double-click"
    }

    async def write() -> tuple[int, object]:
        response = await api.post(
            f"/api/v1/requests/{request_id}/notes", headers=headers, json={"text": "同一条"}
        )
        return response.status, await response.json()

    answers = await asyncio.gather(*(write() for _ in range(8)))
    created = [body for status, body in answers if status == 201]
    assert created and all(body == created[0] for body in created)  # the first answer, given again
    assert all(status in (201, 409) for status, _ in answers), answers
    assert await _count(uow_factory, ReviewNote.request_id == request_id) == 1
    assert await _count(uow_factory, AuditLog.action == "request.note") == 1


async def test_keys_are_kept_for_a_day(timed_api: TestClient, uow_factory: UowFactory, clock: Clock) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    headers = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    keyed = headers | {"Idempotency-Key": "daily"}
    notes = f"/api/v1/requests/{request_id}/notes"

    assert (await timed_api.post(notes, headers=keyed, json={"text": "今天"})).status == 201
    clock.now += timedelta(hours=23)
    assert (await timed_api.post(notes, headers=keyed, json={"text": "今天"})).headers.get(
        "Idempotent-Replayed"
    )
    clock.now += timedelta(hours=2)  # 25 hours after the first call: the key is forgotten
    later = await timed_api.post(notes, headers=keyed, json={"text": "明天"})
    assert later.status == 201 and "Idempotent-Replayed" not in later.headers
    assert await _count(uow_factory, ReviewNote.request_id == request_id) == 2
    assert await _count(uow_factory, IdempotentCall.key == "daily") == 1  # the old one was deleted
