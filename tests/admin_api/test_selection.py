"""A reviewer rejects a selection as duplicates, or approves one: each request decided on its own."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from storage.enums import AdminRole, RequestStatus
from storage.models import AuditLog
from storage.uow import UnitOfWork
from tests.admin_api.test_request_detail import flagged_request
from tests.admin_api.test_review_desk import token
from tests.bot.test_review_cli import status_of
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
ACTIONS = "/api/v1/requests/actions"


async def test_one_bad_id_never_undoes_the_others(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    first, second, decided = [await flagged_request(uow_factory, world) for _ in range(3)]
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    await api.post(f"/api/v1/requests/{decided}/approve", headers=reviewer)

    response = await api.post(
        ACTIONS,
        headers=reviewer,
        json={"action": "reject", "ids": [first, 2147483647, decided, second], "reason": "duplicate"},
    )
    assert response.status == 200
    body = await response.json()
    assert (body["succeeded"], body["failed"]) == (2, 2)
    by_id = {item["id"]: item for item in body["results"]}
    assert [item["id"] for item in body["results"]] == [first, 2147483647, decided, second]
    assert by_id[first] == {"id": first, "ok": True, "status": "rejected", "problem": None}
    assert by_id[second]["status"] == "rejected"
    assert by_id[2147483647]["problem"]["status"] == 404
    refused = by_id[decided]["problem"]
    assert (refused["status"], refused["current_status"]) == (409, "approved")
    assert [await status_of(uow_factory, i) for i in (first, second, decided)] == [
        RequestStatus.rejected,
        RequestStatus.rejected,
        RequestStatus.approved,
    ]
    async with uow_factory() as uow:
        audited = (
            await uow.session.scalars(select(AuditLog).where(AuditLog.action == "request.reject"))
        ).all()
    assert sorted((a.entity_id, a.detail["reason"]) for a in audited) == [
        (first, "duplicate"),
        (second, "duplicate"),
    ]


async def test_approving_a_selection_and_another_countys_ids(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    ids = [await flagged_request(uow_factory, world) for _ in range(2)]
    wuyuan = await token(uow_factory, AdminRole.county_reviewer, "五原县")
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")

    foreign = await (await api.post(ACTIONS, headers=wuyuan, json={"action": "approve", "ids": ids})).json()
    assert [item["problem"]["status"] for item in foreign["results"]] == [404, 404]
    assert "临河" not in str(foreign)
    approved = await (
        await api.post(ACTIONS, headers=reviewer, json={"action": "approve", "ids": ids})
    ).json()
    assert [item["status"] for item in approved["results"]] == ["approved", "approved"]
    bureau = await token(uow_factory, AdminRole.city_bureau)
    assert (await api.post(ACTIONS, headers=bureau, json={"action": "approve", "ids": ids})).status == 403


async def test_a_selection_is_checked_before_anything_is_done(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    for bad in (
        {"action": "reject", "ids": [request_id]},  # no reason
        {"action": "reject", "ids": [request_id], "reason": "   "},
        {"action": "approve", "ids": [request_id, request_id]},
        {"action": "approve", "ids": []},
        {"action": "approve", "ids": list(range(1, 102))},
        {"action": "approve", "ids": [2**31]},
        {"action": "cancel", "ids": [request_id]},
    ):
        response = await api.post(ACTIONS, headers=reviewer, json=bad)
        assert response.status == 422, bad
    assert await status_of(uow_factory, request_id) is RequestStatus.pending_review
