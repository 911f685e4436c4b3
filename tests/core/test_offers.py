"""Experts' offers to parks (Art. 15(3)): only parks of the expert's county, the first member's accept
becomes a request like a farmer's own, the reviewer's approval starts the service."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import ledger, offers, requests
from core.actors import Actor
from core.errors import InsufficientBalance, NotPermitted
from core.review_queue import pending_review
from core.scope import CITY_SYSTEM
from storage.enums import ExpertStatus, OfferStatus, RequestStatus, ServiceMode, ServiceObjectKind
from storage.models import AuditLog, Expert, Farmer, ServiceObject, ServiceRequest
from storage.uow import UnitOfWork
from tests import factories
from tests.demo_world import World, build_world

EVENING = datetime(2031, 6, 3, 11, 0, tzinfo=UTC)
PARK = "巴彦淖尔国家农业科技园区"


@dataclass(frozen=True)
class ParkWorld:
    world: World
    park_id: int
    members: tuple[int, int]  # 李园长, 周技术员
    expert_id: int  # 王建国, 临河区


async def _park_world(uow_factory: Callable[[], UnitOfWork]) -> ParkWorld:
    world = await build_world(uow_factory, now=EVENING)
    async with uow_factory() as uow:
        park = await uow.session.scalar(select(ServiceObject).where(ServiceObject.name == PARK))
        assert park is not None
        ids = []
        for n, name in enumerate(("李园长", "周技术员")):
            farmer = Farmer(
                telegram_user_id=3001 + n, name=name, service_object_id=park.id, county_id=park.county_id
            )
            uow.session.add(farmer)
            await uow.flush()
            ids.append(farmer.id)
        await uow.commit()
        return ParkWorld(world, park.id, (ids[0], ids[1]), world.experts["王建国"])


async def _offer(
    uow_factory: Callable[[], UnitOfWork], pw: ParkWorld, mode=ServiceMode.onsite_training
) -> int:
    async with uow_factory() as uow:
        offer = await offers.make_offer(
            uow,
            pw.expert_id,
            pw.park_id,
            description="蜜瓜病虫害绿色防控现场培训",
            mode=mode,
            now=EVENING,
            specialty_code="plant_protection",
            subject="蜜瓜",
        )
        return offer.id


async def _audit(uow_factory: Callable[[], UnitOfWork], offer_id: int) -> list[str]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(
            select(AuditLog.action)
            .where(AuditLog.entity == offers.ENTITY, AuditLog.entity_id == offer_id)
            .order_by(AuditLog.id)
        )
        return list(rows.all())


async def test_only_parks_of_the_experts_own_county_are_listed_and_accepted(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    pw = await _park_world(uow_factory)
    async with uow_factory() as uow:
        wuyuan_park = await factories.service_object(
            uow, pw.world.other_county_id, kind=ServiceObjectKind.park
        )
        await uow.commit()
        parks = await offers.parks_for(uow, pw.expert_id, EVENING)
        assert [(p.name, p.members) for p in parks] == [(PARK, 2)]
        with pytest.raises(NotPermitted, match="households, points and units"):
            await offers.park_for(uow, pw.expert_id, pw.world.service_object_id, EVENING)
        with pytest.raises(NotPermitted, match="another county"):
            await offers.make_offer(
                uow,
                pw.expert_id,
                wuyuan_park.id,
                description="蜜瓜培训",
                mode=ServiceMode.online,
                now=EVENING,
            )
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(offers.ServiceOffer)) == 0


async def test_a_suspended_expert_cannot_offer(uow_factory: Callable[[], UnitOfWork]) -> None:
    pw = await _park_world(uow_factory)
    async with uow_factory() as uow:
        expert = await uow.session.get(Expert, pw.expert_id)
        assert expert is not None
        expert.status = ExpertStatus.suspended
        await uow.commit()
        with pytest.raises(NotPermitted, match="active expert"):
            await offers.parks_for(uow, pw.expert_id, EVENING)


async def test_the_first_accept_submits_a_request_and_approval_starts_the_service(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    pw = await _park_world(uow_factory)
    offer_id = await _offer(uow_factory, pw)
    async with uow_factory() as uow:
        submission = await offers.accept(uow, offer_id, pw.members[1], now=EVENING)
    request_id = submission.request.id
    assert submission.fee_fen == 80000  # on-site training in the demo fee schedule
    async with uow_factory() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None
        assert (request.status, request.farmer_id, request.service_object_id, request.expert_id) == (
            RequestStatus.pending_review,
            pw.members[1],
            pw.park_id,
            pw.expert_id,
        )
        assert (request.description, request.specialty_code, request.subject) == (
            "蜜瓜病虫害绿色防控现场培训",
            "plant_protection",
            "蜜瓜",
        )
        account = await ledger.get_account(uow, pw.park_id, 2031)
        assert await ledger.account_balance(uow, account.id) == ledger.Balance(420000, 80000)
        with pytest.raises(offers.OfferClosed) as closed:
            await offers.accept(uow, offer_id, pw.members[0], now=EVENING)
        assert closed.value.details == {"status": "accepted", "member": "周技术员"}
        queue = await pending_review(uow, CITY_SYSTEM)
        assert [(q.id, q.offer_id, q.expert) for q in queue] == [(request_id, offer_id, "王建国")]

    async with uow_factory() as uow:
        approved = await requests.approve(uow, request_id, CITY_SYSTEM, now=EVENING + timedelta(hours=14))
        await uow.commit()
        assert approved.status is RequestStatus.in_service
        assert approved.invitation_expires_at is None
        events = [(e.action, e.actor_kind, e.reason) for e in await requests.history(uow, request_id)]
    assert events == [
        ("submit", "farmer", f"accepted expert-initiated offer #{offer_id}"),
        ("approve", "admin", None),
        ("accept", "expert", f"expert-initiated offer #{offer_id}"),
    ]
    assert await _audit(uow_factory, offer_id) == ["offer.make", "offer.accept"]


async def test_a_short_balance_leaves_the_offer_open_and_nothing_written(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    pw = await _park_world(uow_factory)
    offer_id = await _offer(uow_factory, pw)
    async with uow_factory() as uow:
        account = await ledger.get_account(uow, pw.park_id, 2031)
        await ledger.adjust(uow, account, -480000, Actor.system(), note="spent elsewhere")
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(InsufficientBalance) as short:
            await offers.accept(uow, offer_id, pw.members[0], now=EVENING)
    assert short.value.details == {"available_fen": 20000, "amount_fen": 80000}
    async with uow_factory() as uow:
        assert (await offers.load_offer(uow, offer_id)).status is OfferStatus.offered
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


async def test_decline_withdraw_and_expiry_close_the_offer(uow_factory: Callable[[], UnitOfWork]) -> None:
    pw = await _park_world(uow_factory)
    declined, withdrawn, expiring = [await _offer(uow_factory, pw) for _ in range(3)]
    async with uow_factory() as uow:
        await offers.decline(uow, declined, pw.members[0], now=EVENING)
        with pytest.raises(NotPermitted):  # the park's member, not the expert's to withdraw
            await offers.withdraw(uow, withdrawn, pw.world.experts["李秀英"], now=EVENING)
        await offers.withdraw(uow, withdrawn, pw.expert_id, now=EVENING)
        with pytest.raises(NotPermitted):  # a farmer of another service object
            await offers.accept(uow, expiring, pw.world.farmer_id, now=EVENING)
        assert await offers.expire_offers(uow, now=EVENING + offers.OFFER_TTL - timedelta(seconds=1)) == []
        expired = await offers.expire_offers(uow, now=EVENING + offers.OFFER_TTL)
        assert [o.id for o in expired] == [expiring]
        with pytest.raises(offers.OfferClosed) as closed:
            await offers.accept(uow, declined, pw.members[1], now=EVENING)
        assert closed.value.details == {"status": "declined", "member": "李园长"}
    assert await _audit(uow_factory, declined) == ["offer.make", "offer.decline"]
    assert await _audit(uow_factory, withdrawn) == ["offer.make", "offer.withdraw"]
    assert await _audit(uow_factory, expiring) == ["offer.make", "offer.expire"]


async def test_two_members_accepting_at_once_make_one_request(uow_factory: Callable[[], UnitOfWork]) -> None:
    pw = await _park_world(uow_factory)
    offer_id = await _offer(uow_factory, pw)

    async def accept(farmer_id: int) -> str:
        async with uow_factory() as uow:
            try:
                await offers.accept(uow, offer_id, farmer_id, now=EVENING)
            except offers.OfferClosed as closed:
                return f"told: {closed.details['member']}"
            return "accepted"

    outcomes = await asyncio.gather(*(accept(member) for member in pw.members))
    assert sorted(outcomes)[0] == "accepted" and sorted(outcomes)[1].startswith("told: ")
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 1
        account = await ledger.get_account(uow, pw.park_id, 2031)
        assert await ledger.account_balance(uow, account.id) == ledger.Balance(420000, 80000)
