"""The audit log over HTTP: every decision made through the API is there with who, what, when, and
the state before and after; county administrators read their own county's entries only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

from aiohttp.test_utils import TestClient

from core.admin_tokens import create_token
from storage.enums import AdminRole
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests.admin_api.test_complaint_desk import complaint
from tests.bot.test_review_cli import pending_advisory, pending_request
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]


async def staff(
    uow_factory: UowFactory, role: AdminRole, county: str | None = None
) -> tuple[int, dict[str, str]]:
    async with uow_factory() as uow:
        issued = await create_token(uow, role=role, county_name=county)
    return issued.admin_user_id, {"Authorization": f"Bearer {issued.token}"}


async def test_decisions_are_audited_with_before_and_after(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    advisory_id = await pending_advisory(uow_factory, world)
    complaint_id = await complaint(uow_factory, world)
    admin_id, admin = await staff(uow_factory, AdminRole.county_admin, "临河区")

    assert (
        await api.post(f"/api/v1/requests/{request_id}/reject", headers=admin, json={"reason": "重复"})
    ).status == 200
    assert (await api.post(f"/api/v1/advisories/{advisory_id}/approve", headers=admin)).status == 200
    resolve = {"verdict": "unfounded", "note": "回访无误"}
    assert (
        await api.post(f"/api/v1/complaints/{complaint_id}/resolve", headers=admin, json=resolve)
    ).status == 200

    page = await (await api.get(f"/api/v1/audit?actor_kind=admin&actor_id={admin_id}", headers=admin)).json()
    entries = [(e["action"], e["entity"], e["entity_id"], e["before"], e["after"]) for e in page["items"]]
    assert entries == [  # newest first
        (
            "complaint.dismissed",
            "complaint",
            complaint_id,
            {"status": "open"},
            {"status": "dismissed", "resolution": "回访无误"},
        ),
        ("advisory.approve", "advisory", advisory_id, {"status": "pending_review"}, {"status": "approved"}),
        (
            "request.reject",
            "service_request",
            request_id,
            {"status": "pending_review"},
            {"status": "rejected"},
        ),
    ]
    reject = page["items"][2]
    assert reject["actor_kind"] == "admin" and reject["actor_id"] == admin_id
    assert reject["detail"] == {"via": "api", "reason": "重复"}
    assert page["items"][0]["at"] >= page["items"][1]["at"] >= reject["at"]

    one = await (
        await api.get(f"/api/v1/audit?entity=service_request&entity_id={request_id}", headers=admin)
    ).json()
    assert [e["action"] for e in one["items"]] == ["request.reject"]
    approvals = await (await api.get("/api/v1/audit?action=advisory.approve", headers=admin)).json()
    assert [e["entity_id"] for e in approvals["items"]] == [advisory_id]


async def test_county_staff_read_their_own_countys_entries_only(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)  # 临河区
    _, linhe = await staff(uow_factory, AdminRole.county_admin, "临河区")
    _, wuyuan = await staff(uow_factory, AdminRole.county_admin, "五原县")
    _, institute = await staff(uow_factory, AdminRole.city_institute)
    _, bureau = await staff(uow_factory, AdminRole.city_bureau)
    _, reviewer = await staff(uow_factory, AdminRole.county_reviewer, "临河区")
    assert (await api.post(f"/api/v1/requests/{request_id}/approve", headers=institute)).status == 200

    query = "/api/v1/audit?action=request.approve"
    assert [e["entity_id"] for e in (await (await api.get(query, headers=linhe)).json())["items"]] == [
        request_id
    ]
    assert (await (await api.get(query, headers=wuyuan)).json())["items"] == []
    assert len((await (await api.get(query, headers=bureau)).json())["items"]) == 1
    assert (await api.get(query, headers=reviewer)).status == 403
    # A city admin's token is of no county: only the city sees its issue.
    issued = "/api/v1/audit?action=create_token"
    city_wide = {e["entity_id"] for e in (await (await api.get(issued, headers=institute)).json())["items"]}
    own = {e["entity_id"] for e in (await (await api.get(issued, headers=linhe)).json())["items"]}
    assert len(city_wide) == 5 and len(own) == 2 and own < city_wide


async def test_the_log_pages_newest_first_and_filters_by_time(
    api: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    _, institute = await staff(uow_factory, AdminRole.city_institute)
    for _ in range(4):
        await staff(uow_factory, AdminRole.county_reviewer, "临河区")

    everything = [
        e["id"] for e in (await (await api.get("/api/v1/audit", headers=institute)).json())["items"]
    ]
    assert everything == sorted(everything, reverse=True) and len(everything) >= 5
    seen: list[int] = []
    query = "/api/v1/audit?limit=2"
    while query:
        page = await (await api.get(query, headers=institute)).json()
        seen += [e["id"] for e in page["items"]]
        query = page["next_cursor"] and f"/api/v1/audit?limit=2&cursor={page['next_cursor']}"
    assert seen == everything

    later = quote((utcnow() + timedelta(minutes=1)).isoformat())
    earlier = quote((utcnow() - timedelta(hours=1)).isoformat())
    assert (await (await api.get(f"/api/v1/audit?since={later}", headers=institute)).json())["items"] == []
    within = await (await api.get(f"/api/v1/audit?since={earlier}&until={later}", headers=institute)).json()
    assert [e["id"] for e in within["items"]] == everything
    for bad in (
        "since=2031-06-03T10:00:00",
        "since=yesterday",
        "actor_kind=robot",
        "entity_id=0",
        "limit=500",
    ):
        response = await api.get(f"/api/v1/audit?{bad}", headers=institute)
        assert response.status == 400, bad
        assert response.content_type == "application/problem+json"


async def test_a_filter_no_database_can_hold_is_refused_not_a_failure(
    api: TestClient, uow_factory: UowFactory
) -> None:
    # PostgreSQL refuses a NUL even as a query parameter: it answered 500 before core refused it.
    await build_world(uow_factory)
    _, admin = await staff(uow_factory, AdminRole.county_admin, "临河区")
    for name in ("action", "entity"):
        answer = await api.get(f"/api/v1/audit?{name}=request%00.approve", headers=admin)
        assert answer.status == 422, await answer.text()
        assert "cannot be stored" in (await answer.json())["detail"]
