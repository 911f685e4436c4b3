"""A county reviewer works the queue over HTTP: sees their county's requests, approves, rejects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core.admin_tokens import create_token, revoke_token
from storage.enums import AdminRole, RequestStatus
from storage.models import ApiToken, AuditLog
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests.bot.test_review_cli import pending_request, status_of
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


async def token(uow_factory: UowFactory, role: AdminRole, county: str | None = None) -> dict[str, str]:
    async with uow_factory() as uow:
        issued = await create_token(uow, role=role, county_name=county)
    return {"Authorization": f"Bearer {issued.token}"}


async def test_a_reviewer_sees_the_queue_and_approves(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")

    queue = await api.get("/api/v1/review-queue", headers=reviewer)
    assert queue.status == 200
    [item] = (await queue.json())["items"]
    assert item["id"] == request_id and item["county"] == "临河区" and item["photo_count"] == 2
    assert item["screening_flags"] == ["敏感:农药"]

    approved = await api.post(f"/api/v1/requests/{request_id}/approve", headers=reviewer)
    assert approved.status == 200
    assert await approved.json() == {"id": request_id, "status": "approved"}
    assert await status_of(uow_factory, request_id) is RequestStatus.approved

    again = await api.post(f"/api/v1/requests/{request_id}/approve", headers=reviewer)
    assert again.status == 409
    assert again.content_type == "application/problem+json"


async def test_a_rejection_needs_a_reason(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")

    blank = await api.post(f"/api/v1/requests/{request_id}/reject", headers=reviewer, json={"reason": ""})
    assert blank.status == 422
    assert (await blank.json())["errors"][0]["loc"] == ["reason"]
    not_json = await api.post(f"/api/v1/requests/{request_id}/reject", headers=reviewer, data=b"\xff\xfe")
    assert not_json.status == 400 and "UTF-8" in (await not_json.json())["detail"]

    rejected = await api.post(
        f"/api/v1/requests/{request_id}/reject", headers=reviewer, json={"reason": "请补充照片"}
    )
    assert rejected.status == 200
    assert await status_of(uow_factory, request_id) is RequestStatus.rejected


async def test_another_countys_request_does_not_exist_for_county_staff(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)  # in 临河区
    wuyuan = await token(uow_factory, AdminRole.county_reviewer, "五原县")

    assert (await (await api.get("/api/v1/review-queue", headers=wuyuan)).json())["items"] == []
    refused = await api.post(f"/api/v1/requests/{request_id}/approve", headers=wuyuan)
    assert refused.status == 404
    assert "临河" not in await refused.text()
    assert await status_of(uow_factory, request_id) is RequestStatus.pending_review


async def test_the_city_bureau_reads_but_does_not_decide(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    bureau = await token(uow_factory, AdminRole.city_bureau)

    assert (await api.get("/api/v1/review-queue", headers=bureau)).status == 200
    assert (await api.post(f"/api/v1/requests/{request_id}/approve", headers=bureau)).status == 403
    assert await status_of(uow_factory, request_id) is RequestStatus.pending_review


async def test_no_token_or_a_bad_one_is_401(api: TestClient, uow_factory: UowFactory) -> None:
    await build_world(uow_factory)
    for headers in (
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer jf_" + "x" * 43},
    ):
        response = await api.get("/api/v1/review-queue", headers=headers)
        assert response.status == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.content_type == "application/problem+json"


async def test_ids_out_of_range_and_unknown_paths_are_404(api: TestClient, uow_factory: UowFactory) -> None:
    await build_world(uow_factory)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    for bad in ("99999999999", "0", "-1", "abc", "٣"):
        response = await api.post(f"/api/v1/requests/{bad}/approve", headers=reviewer)
        assert response.status == 404, bad
    assert (await api.get("/api/v1/nothing", headers=reviewer)).status == 404


async def test_the_openapi_document_is_public_and_describes_the_routes(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/requests/{id}/reject" in document["paths"]
    reject = document["paths"]["/api/v1/requests/{id}/reject"]["post"]
    schema_name = reject["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][schema_name]["properties"]["reason"]["maxLength"] == 500


async def test_expired_and_revoked_tokens_stop_working(api: TestClient, uow_factory: UowFactory) -> None:
    await build_world(uow_factory)
    async with uow_factory() as uow:
        old = await create_token(
            uow, role=AdminRole.city_institute, county_name=None, days=30, now=utcnow() - timedelta(days=31)
        )
    async with uow_factory() as uow:
        live = await create_token(uow, role=AdminRole.city_institute, county_name=None)
    expired = await api.get("/api/v1/review-queue", headers={"Authorization": f"Bearer {old.token}"})
    assert expired.status == 401 and "expired" in (await expired.json())["detail"]

    headers = {"Authorization": f"Bearer {live.token}"}
    assert (await api.get("/api/v1/review-queue", headers=headers)).status == 200
    async with uow_factory() as uow:
        [row] = await uow.session.scalars(
            select(ApiToken).where(ApiToken.admin_user_id == live.admin_user_id)
        )
        assert row.last_used_at is not None
        await revoke_token(uow, live.token[:10])
    assert (await api.get("/api/v1/review-queue", headers=headers)).status == 401
    async with uow_factory() as uow:
        actions = (await uow.session.scalars(select(AuditLog.action))).all()
    assert "revoke_token" in actions


async def test_another_countys_id_reads_exactly_like_a_missing_one(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    elsewhere = await pending_request(uow_factory, world)  # in 临河区
    missing = elsewhere + 1000
    wuyuan = await token(uow_factory, AdminRole.county_reviewer, "五原县")

    for method, path, body in (
        ("POST", "/api/v1/requests/{}/approve", None),
        ("POST", "/api/v1/requests/{}/reject", {"reason": "重复"}),
        ("GET", "/api/v1/requests/{}", None),
        ("POST", "/api/v1/requests/{}/notes", {"text": "看看"}),
        ("POST", "/api/v1/requests/{}/claim", None),
    ):
        answers = []
        for request_id in (elsewhere, missing):
            response = await api.request(method, path.format(request_id), headers=wuyuan, json=body)
            answers.append((response.status, (await response.text()).replace(str(request_id), "ID")))
        assert answers[0] == answers[1], (path, answers)
        assert answers[0][0] == 404


async def test_an_oversized_body_is_refused_with_413_and_nothing_changes(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    huge = {"reason": "重复" * 40_000}  # ~240 KB of UTF-8, over the 64 KiB limit
    response = await api.post(f"/api/v1/requests/{request_id}/reject", headers=reviewer, json=huge)
    assert response.status == 413
    assert response.content_type == "application/problem+json"
    assert "too large" in (await response.json())["detail"]
    assert await status_of(uow_factory, request_id) is RequestStatus.pending_review


async def test_every_post_documents_its_idempotency_key(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    posts = [op for item in document["paths"].values() for method, op in item.items() if method == "post"]
    assert posts
    for operation in posts:
        headers = [p["name"] for p in operation.get("parameters", ()) if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], operation["operationId"]
        assert {"409", "422"} <= set(operation["responses"]), operation["operationId"]
