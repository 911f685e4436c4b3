"""Claims: a reviewer takes a request so no colleague decides it meanwhile; the claim lapses, is
released, and gives way to the local operator; two reviewers claiming at once, exactly one wins."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core import claims, review
from core.errors import Claimed
from core.scope import CITY_SYSTEM, Staff
from storage.enums import AdminRole, RequestStatus
from storage.models import AdminUser, AuditLog
from storage.models.admin import RequestClaim
from tests.admin_api.queue_world import Clock, UowFactory, desk_at, pending_at, staff_token
from tests.bot.test_review_cli import status_of
from tests.demo_world import build_world

NOW = datetime(2026, 12, 3, 10, tzinfo=claims.REVIEW_ZONE)


async def _staff(uow_factory: UowFactory, name: str) -> Staff:
    async with uow_factory() as uow:
        admin = await uow.session.scalar(select(AdminUser).where(AdminUser.name == name))
        assert admin is not None
        return Staff(admin.id, admin.county_id, admin.role)


async def _claim_rows(uow_factory: UowFactory) -> list[tuple[int, int]]:
    async with uow_factory() as uow:
        rows = await uow.session.execute(select(RequestClaim.request_id, RequestClaim.admin_user_id))
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def _audit(uow_factory: UowFactory) -> list[tuple[str, int | None, int | None, dict]]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(AuditLog)
            .where(AuditLog.action.in_(("request.claim", "request.unclaim")))
            .order_by(AuditLog.id)
        )
        return [(row.action, row.actor_id, row.entity_id, row.detail) for row in rows.all()]


async def test_a_claim_keeps_colleagues_off_until_released_or_decided(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_at(uow_factory, world.farmer_id, NOW - timedelta(hours=1))
    li = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")
    zhang = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "张审核")
    li_staff, zhang_staff = await _staff(uow_factory, "李审核"), await _staff(uow_factory, "张审核")
    clock = Clock(NOW)

    async with desk_at(session_factory, clock) as desk:
        taken = await desk.post(f"/api/v1/requests/{request_id}/claim", headers=li)
        assert taken.status == 200
        claim = await taken.json()
        assert claim["claimed_by"] == "李审核" and claim["request_id"] == request_id
        assert datetime.fromisoformat(claim["expires_at"]) == NOW + timedelta(minutes=30)

        clock.now = NOW + timedelta(minutes=10)
        refused = await desk.post(f"/api/v1/requests/{request_id}/claim", headers=zhang)
        assert refused.status == 409
        problem = await refused.json()
        assert problem["code"] == "claimed" and problem["claimed_by"] == "李审核"
        assert datetime.fromisoformat(problem["claimed_until"]) == NOW + timedelta(minutes=30)
        assert "10:30" in problem["detail"]  # until when, in the reviewers' local time

        # Deciding someone else's claimed request is refused too, and changes nothing.
        for verb, body in (("approve", None), ("reject", {"reason": "请补充照片"})):
            blocked = await desk.post(f"/api/v1/requests/{request_id}/{verb}", headers=zhang, json=body)
            assert blocked.status == 409 and (await blocked.json())["claimed_by"] == "李审核"
        assert await status_of(uow_factory, request_id) is RequestStatus.pending_review

        # Claiming again extends one's own claim.
        again = await desk.post(f"/api/v1/requests/{request_id}/claim", headers=li)
        assert datetime.fromisoformat((await again.json())["expires_at"]) == clock.now + timedelta(minutes=30)

        # A colleague may not release it; the holder may.
        assert (await desk.post(f"/api/v1/requests/{request_id}/unclaim", headers=zhang)).status == 403
        released = await desk.post(f"/api/v1/requests/{request_id}/unclaim", headers=li)
        assert released.status == 200 and (await released.json())["released"]["claimed_by"] == "李审核"
        nothing = await desk.post(f"/api/v1/requests/{request_id}/unclaim", headers=li)
        assert await nothing.json() == {"request_id": request_id, "released": None}

        # Now the colleague claims and decides: the decision clears the claim.
        assert (await desk.post(f"/api/v1/requests/{request_id}/claim", headers=zhang)).status == 200
        assert (await desk.post(f"/api/v1/requests/{request_id}/approve", headers=zhang)).status == 200
        assert await _claim_rows(uow_factory) == []
        # A decided request cannot be claimed.
        late = await desk.post(f"/api/v1/requests/{request_id}/claim", headers=li)
        assert late.status == 409 and (await late.json())["current_status"] == "approved"

    assert [(action, actor, entity) for action, actor, entity, _ in await _audit(uow_factory)] == [
        ("request.claim", li_staff.admin_id, request_id),
        ("request.claim", li_staff.admin_id, request_id),
        ("request.unclaim", li_staff.admin_id, request_id),
        ("request.claim", zhang_staff.admin_id, request_id),
    ]


async def test_a_claim_lapses_after_thirty_minutes(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_at(uow_factory, world.farmer_id, NOW - timedelta(hours=1))
    await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")
    zhang = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "张审核")
    li_staff = await _staff(uow_factory, "李审核")
    async with uow_factory() as uow:
        await claims.claim(uow, request_id, li_staff, now=NOW, via="test")

    async with desk_at(session_factory, Clock(NOW + claims.CLAIM_TTL - timedelta(seconds=1))) as desk:
        assert (await desk.post(f"/api/v1/requests/{request_id}/claim", headers=zhang)).status == 409
    async with desk_at(session_factory, Clock(NOW + claims.CLAIM_TTL)) as desk:
        page = await (await desk.get("/api/v1/review-queue", headers=zhang)).json()
        assert page["items"][0]["claim"] is None and page["counts"]["unclaimed"] == 1
        taken = await desk.post(f"/api/v1/requests/{request_id}/claim", headers=zhang)
        assert taken.status == 200 and (await taken.json())["claimed_by"] == "张审核"
    *_, (action, _, _, detail) = await _audit(uow_factory)
    assert action == "request.claim" and detail["took_over_lapsed_claim_of"] == li_staff.admin_id


async def test_the_county_admin_releases_a_reviewers_claim_and_the_local_operator_overrides(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    first = await pending_at(uow_factory, world.farmer_id, NOW - timedelta(hours=2))
    second = await pending_at(uow_factory, world.farmer_id, NOW - timedelta(hours=1))
    await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")
    admin = await staff_token(uow_factory, AdminRole.county_admin, "临河区", "王主任")
    li_staff = await _staff(uow_factory, "李审核")
    for request_id in (first, second):
        async with uow_factory() as uow:
            await claims.claim(uow, request_id, li_staff, now=NOW, via="test")

    async with desk_at(session_factory, Clock(NOW)) as desk:
        released = await desk.post(f"/api/v1/requests/{first}/unclaim", headers=admin)
        assert released.status == 200 and (await released.json())["released"]["claimed_by"] == "李审核"
    assert await _claim_rows(uow_factory) == [(second, li_staff.admin_id)]

    # The local operator (jingfu review on the server, no token) decides whatever is claimed.
    async with uow_factory() as uow:
        await review.reject(uow, second, CITY_SYSTEM, reason="重复提交", via="cli:local-operator", now=NOW)
    assert await status_of(uow_factory, second) is RequestStatus.rejected
    assert await _claim_rows(uow_factory) == []


async def test_claims_respect_county_role_and_state(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_at(uow_factory, world.farmer_id, NOW - timedelta(hours=1))
    draft = await pending_at(uow_factory, world.farmer_id, NOW, status=RequestStatus.draft)
    wuyuan = await staff_token(uow_factory, AdminRole.county_reviewer, "五原县", "刘审核")
    bureau = await staff_token(uow_factory, AdminRole.city_bureau, None, "市农牧局")
    li = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")
    async with desk_at(session_factory, Clock(NOW)) as desk:
        other_county = await desk.post(f"/api/v1/requests/{request_id}/claim", headers=wuyuan)
        assert other_county.status == 404 and "临河" not in await other_county.text()
        assert (await desk.post(f"/api/v1/requests/{request_id}/claim", headers=bureau)).status == 403
        assert (await desk.post(f"/api/v1/requests/{draft}/claim", headers=li)).status == 409
        assert (await desk.post("/api/v1/requests/999999/claim", headers=li)).status == 404
        assert (await desk.post(f"/api/v1/requests/{request_id}/claim", headers=li)).status == 200
        # Another county's staff cannot learn that it is claimed, nor release it.
        assert (await desk.post(f"/api/v1/requests/{request_id}/unclaim", headers=wuyuan)).status == 404
        assert (await desk.post(f"/api/v1/requests/{request_id}/approve", headers=wuyuan)).status == 404
    assert await _audit(uow_factory) and len(await _claim_rows(uow_factory)) == 1


@pytest.mark.parametrize("reviewers", [2, 8])
async def test_reviewers_claiming_at_once_exactly_one_wins(uow_factory: UowFactory, reviewers: int) -> None:
    world = await build_world(uow_factory)
    staff = []
    for n in range(reviewers):
        await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", f"审核{n}")
        staff.append(await _staff(uow_factory, f"审核{n}"))
    for round_ in range(5):
        request_id = await pending_at(uow_factory, world.farmer_id, NOW - timedelta(hours=round_ + 1))

        async def attempt(who: Staff, request_id: int = request_id) -> Staff | Claimed:
            async with uow_factory() as uow:  # each reviewer in a unit of work (a connection) of their own
                try:
                    await claims.claim(uow, request_id, who, now=NOW, via="test")
                except Claimed as refused:
                    return refused
                return who

        outcomes = await asyncio.gather(*(attempt(who) for who in staff))
        winners = [o for o in outcomes if isinstance(o, Staff)]
        assert len(winners) == 1, outcomes
        losers = [o for o in outcomes if isinstance(o, Claimed)]
        assert len(losers) == reviewers - 1
        [(_, holder)] = [row for row in await _claim_rows(uow_factory) if row[0] == request_id]
        assert holder == winners[0].admin_id
        assert all(loser.details["claimed_by_id"] == holder for loser in losers)
    claims_audited = [a for a in await _audit(uow_factory) if a[0] == "request.claim"]
    assert len(claims_audited) == 5  # only the winners' claims are recorded


async def test_the_cli_with_a_token_obeys_claims(uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_at(uow_factory, world.farmer_id, NOW - timedelta(hours=1))
    for name in ("李审核", "张审核"):
        await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", name)
    async with uow_factory() as uow:
        await claims.claim(uow, request_id, await _staff(uow_factory, "李审核"), now=NOW, via="test")
    with pytest.raises(Claimed):
        async with uow_factory() as uow:
            await review.approve(
                uow, request_id, await _staff(uow_factory, "张审核"), via="cli:token", now=NOW
            )
    assert await status_of(uow_factory, request_id) is RequestStatus.pending_review
