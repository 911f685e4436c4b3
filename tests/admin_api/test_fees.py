"""The fee schedule over HTTP: the city sets a fee from a date; a fee already held never changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core import requests
from core.admin_tokens import create_token
from core.scope import Staff
from storage.enums import AdminRole, ServiceMode
from storage.models import AuditLog, Reimbursement
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests.bot.test_review_cli import pending_request
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]


async def _bureau(uow_factory: UowFactory) -> dict[str, str]:
    async with uow_factory() as uow:
        issued = await create_token(uow, role=AdminRole.city_bureau, county_name=None)
    return {"Authorization": f"Bearer {issued.token}"}


async def _captured(uow_factory: UowFactory, world: World, request_id: int) -> int:
    """Approve, accept and deliver the request online; what the ledger captured."""
    expert = world.experts["王建国"]
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, Staff(admin_id=None, county_id=None))
        await uow.commit()
        await requests.accept(uow, request_id, expert)
        done = await requests.complete(uow, request_id, expert, delivered_mode=ServiceMode.online)
    async with uow_factory() as uow:
        credited = await uow.session.scalar(
            select(Reimbursement).where(Reimbursement.request_id == request_id)
        )
    assert credited is not None and credited.amount_fen == done.amount_fen
    return done.amount_fen


async def test_a_fee_changed_after_the_hold_is_not_what_is_captured(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    bureau = await _bureau(uow_factory)
    assert (await (await api.get("/api/v1/fees", headers=bureau)).json())["in_force"]["online"] == 5000

    held_at_50 = await pending_request(uow_factory, world)  # online: ¥50 held
    dearer = await api.post("/api/v1/fees", json={"service_mode": "online", "fee_fen": 8000}, headers=bureau)
    assert dearer.status == 201, await dearer.text()
    assert (await (await api.get("/api/v1/fees", headers=bureau)).json())["in_force"]["online"] == 8000
    assert await _captured(uow_factory, world, held_at_50) == 5000

    # Cheaper since the hold: still the ¥50 held, not ¥30.
    held_at_80 = await pending_request(uow_factory, world)
    cheaper = await api.post("/api/v1/fees", json={"service_mode": "online", "fee_fen": 3000}, headers=bureau)
    assert cheaper.status == 201
    assert await _captured(uow_factory, world, held_at_80) == 8000
    # A request submitted now holds, and pays, the new fee.
    assert await _captured(uow_factory, world, await pending_request(uow_factory, world)) == 3000

    async with uow_factory() as uow:
        entries = (await uow.session.scalars(select(AuditLog).where(AuditLog.action == "fee.set"))).all()
    assert [(e.detail["before"]["fee_fen"], e.detail["after"]["fee_fen"]) for e in entries] == [
        (5000, 8000),
        (8000, 3000),
    ]


async def test_a_fee_is_never_backdated_and_a_future_one_waits(
    api: TestClient, uow_factory: UowFactory
) -> None:
    await build_world(uow_factory)
    bureau = await _bureau(uow_factory)
    past = (utcnow() - timedelta(hours=1)).isoformat()
    refused = await api.post(
        "/api/v1/fees", json={"service_mode": "video", "fee_fen": 1, "effective_from": past}, headers=bureau
    )
    assert refused.status == 422 and "never change" in (await refused.json())["detail"]
    later = (utcnow() + timedelta(days=30)).isoformat()
    answer = await api.post(
        "/api/v1/fees",
        json={"service_mode": "video", "fee_fen": 12000, "effective_from": later},
        headers=bureau,
    )
    assert answer.status == 201
    schedule = await (await api.get("/api/v1/fees", headers=bureau)).json()
    assert schedule["in_force"]["video"] == 10000
    assert schedule["entries"][0]["fee_fen"] == 12000  # newest effective first
