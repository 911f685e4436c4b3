"""The request use cases: money follows the status, and nothing crosses a county line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import ledger, requests
from core.actors import Actor
from core.errors import IllegalTransition, InsufficientBalance, InvalidInput, NotPermitted
from core.evidence import Evidence
from core.scope import Staff
from storage.enums import LedgerKind, RequestStatus, ServiceMode
from storage.models import LedgerEntry, Reimbursement
from storage.uow import UnitOfWork
from tests.demo_world import World, build_world

# 19:00 in Bayannur (UTC+8) on a weekday: after the evening duty window.
EVENING = datetime(2031, 6, 3, 11, 0, tzinfo=UTC)
YEAR = 2031


async def _world(uow_factory: Callable[[], UnitOfWork]) -> World:
    return await build_world(uow_factory, now=EVENING)  # the demo issues ¥600 for the household


async def _submitted(uow_factory: Callable[[], UnitOfWork], world: World, mode=ServiceMode.video) -> int:
    async with uow_factory() as uow:
        draft = await requests.create_draft(
            uow, world.farmer_id, description="葵花叶子上有黄斑", subject="向日葵"
        )
        await requests.submit(
            uow, draft.id, world.farmer_id, expert_id=world.experts["王建国"], mode=mode, now=EVENING
        )
        return draft.id


async def _balance(uow_factory: Callable[[], UnitOfWork], world: World) -> ledger.Balance:
    async with uow_factory() as uow:
        account = await ledger.get_account(uow, world.service_object_id, YEAR)
        assert await ledger.reconcile(uow, account.id)
        return await ledger.account_balance(uow, account.id)


LINHE = Staff(admin_id=1, county_id=None)


async def test_submit_at_19_00_holds_the_fee_and_expects_review_tomorrow_09_00(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await _world(uow_factory)
    async with uow_factory() as uow:
        draft = await requests.create_draft(uow, world.farmer_id, description="葵花叶子上有黄斑")
        submission = await requests.submit(
            uow,
            draft.id,
            world.farmer_id,
            expert_id=world.experts["王建国"],
            mode=ServiceMode.video,
            now=EVENING,
        )
    assert submission.fee_fen == 10000
    assert submission.review_expected_at == datetime(2031, 6, 4, 1, 0, tzinfo=UTC)  # 09:00 next day, UTC+8
    assert await _balance(uow_factory, world) == ledger.Balance(50000, 10000)


async def test_full_story_captures_the_fee_and_credits_the_expert(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world)
    expert = world.experts["王建国"]
    staff = Staff(admin_id=1, county_id=world.county_id)
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, staff, now=EVENING + timedelta(hours=14))
        await uow.commit()
        await requests.accept(uow, request_id, expert, now=EVENING + timedelta(hours=15))
        reimbursement = await requests.complete(
            uow, request_id, expert, delivered_mode=ServiceMode.online, now=EVENING + timedelta(hours=16)
        )
    # Delivered online (¥50) though video (¥100) was held: the farmer pays ¥50, gets ¥50 back.
    assert reimbursement.amount_fen == 5000
    assert await _balance(uow_factory, world) == ledger.Balance(55000, 0)
    async with uow_factory() as uow:
        events = await requests.history(uow, request_id)
        assert [e.to_status for e in events] == [
            RequestStatus.pending_review,
            RequestStatus.approved,
            RequestStatus.in_service,
            RequestStatus.completed,
        ]
        credited = await uow.session.scalar(select(Reimbursement).where(Reimbursement.expert_id == expert))
        assert credited is not None and credited.amount_fen == 5000


async def test_reject_and_cancel_release_the_hold(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await _world(uow_factory)
    first = await _submitted(uow_factory, world)
    second = await _submitted(uow_factory, world)
    assert await _balance(uow_factory, world) == ledger.Balance(40000, 20000)
    async with uow_factory() as uow:
        await requests.reject(uow, first, Staff(1, world.county_id), reason="请补充照片")
        await uow.commit()
        await requests.cancel(uow, second, Actor.farmer(world.farmer_id))
    assert await _balance(uow_factory, world) == ledger.Balance(60000, 0)


async def test_decline_and_expiry_keep_the_hold_while_the_farmer_repicks(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world)
    staff = Staff(1, world.county_id)
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, staff, now=EVENING)
        await uow.commit()
        declined = await requests.decline(uow, request_id, world.experts["王建国"], reason="出差")
        assert declined.status is RequestStatus.repick and declined.expert_id is None
    assert await _balance(uow_factory, world) == ledger.Balance(50000, 10000)
    async with uow_factory() as uow:
        await requests.repick(
            uow, request_id, world.farmer_id, expert_id=world.experts["黄晓梅"], now=EVENING
        )
        await requests.approve(uow, request_id, staff, now=EVENING)
        await uow.commit()
        assert await requests.expire_invitations(uow, now=EVENING + timedelta(hours=23)) == []
        [expired] = await requests.expire_invitations(uow, now=EVENING + timedelta(hours=24))
        assert expired.status is RequestStatus.repick
    assert await _balance(uow_factory, world) == ledger.Balance(50000, 10000)
    async with uow_factory() as uow:
        with pytest.raises(IllegalTransition):
            await requests.accept(uow, request_id, world.experts["黄晓梅"])


async def test_a_description_without_words_cannot_be_submitted(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await _world(uow_factory)
    async with uow_factory() as uow:
        draft = await requests.create_draft(uow, world.farmer_id, description="？。。", subject="向日葵")
        with pytest.raises(InvalidInput, match="in words"):
            await requests.submit(
                uow, draft.id, world.farmer_id, expert_id=world.experts["王建国"], mode=ServiceMode.video
            )
    assert await _balance(uow_factory, world) == ledger.Balance(60000, 0)


@pytest.mark.parametrize(("reason", "limited"), [("  ", False), ("忙" * 201, True)])
async def test_a_decline_needs_a_reason_of_a_sentence(
    uow_factory: Callable[[], UnitOfWork], reason: str, limited: bool
) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world)
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, Staff(1, world.county_id), now=EVENING)
        await uow.commit()
        with pytest.raises(InvalidInput, match="reason") as refused:
            await requests.decline(uow, request_id, world.experts["王建国"], reason=reason)
        assert ("limit" in refused.value.details) is limited
        request = await requests.load_request(uow, request_id)
        assert request.status is RequestStatus.approved


async def test_insufficient_balance_is_said_plainly_and_nothing_is_held(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await _world(uow_factory)
    async with uow_factory() as uow:
        draft = await requests.create_draft(uow, world.farmer_id, description="想请专家来现场培训")
        with pytest.raises(InsufficientBalance, match=r"¥600.00 does not cover hold of ¥800.00"):
            await requests.submit(
                uow,
                draft.id,
                world.farmer_id,
                expert_id=world.experts["王建国"],
                mode=ServiceMode.onsite_training,
                now=EVENING,
            )
    async with uow_factory() as uow:
        draft_again = await requests.load_request(uow, draft.id)
        assert draft_again.status is RequestStatus.draft
    assert await _balance(uow_factory, world) == ledger.Balance(60000, 0)


async def test_another_countys_expert_cannot_be_chosen(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await _world(uow_factory)
    async with uow_factory() as uow:
        draft = await requests.create_draft(uow, world.farmer_id, description="葵花叶子上有黄斑")
        with pytest.raises(NotPermitted):
            await requests.submit(
                uow,
                draft.id,
                world.farmer_id,
                expert_id=world.other_county_expert_id,
                mode=ServiceMode.online,
            )


async def test_county_staff_act_on_their_own_county_only(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world)
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted, match="another county"):
            await requests.approve(uow, request_id, Staff(2, world.other_county_id))
            await uow.commit()


async def test_only_the_invited_expert_acts_and_only_the_owner_cancels(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world)
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, Staff(1, world.county_id))
        await uow.commit()
        with pytest.raises(NotPermitted):
            await requests.accept(uow, request_id, world.experts["李秀英"])
        with pytest.raises(NotPermitted):
            await requests.cancel(uow, request_id, Actor.farmer(world.farmer_id + 99))


async def test_onsite_completion_needs_evidence(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world, mode=ServiceMode.onsite_consult)
    expert = world.experts["王建国"]
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, Staff(1, world.county_id))
        await uow.commit()
        await requests.accept(uow, request_id, expert)
        with pytest.raises(InvalidInput, match="evidence"):
            await requests.complete(
                uow, request_id, expert, delivered_mode=ServiceMode.onsite_consult, now=EVENING
            )
        done = await requests.complete(
            uow,
            request_id,
            expert,
            delivered_mode=ServiceMode.onsite_consult,
            evidence=Evidence.photo("AgAD123", "  葵花盘腐病，已指导喷药  "),
            now=EVENING,
        )
        [completed] = [e for e in await requests.history(uow, request_id) if e.action == "complete"]
    assert done.amount_fen == 30000
    assert completed.reason == "photo:AgAD123\n葵花盘腐病，已指导喷药"
    assert Evidence.from_record(completed.reason) == Evidence("photo", "AgAD123", "葵花盘腐病，已指导喷药")
    assert Evidence.from_record("not answered within 24 hours") is None
    with pytest.raises(InvalidInput) as refused:
        Evidence.photo("AgAD123", "看" * 1025)
    assert refused.value.details["limit"] == 1024


async def test_cancel_after_the_service_started_is_refused(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world)
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, Staff(1, world.county_id))
        await uow.commit()
        await requests.accept(uow, request_id, world.experts["王建国"])
        with pytest.raises(IllegalTransition, match="only before the service starts"):
            await requests.cancel(uow, request_id, Actor.farmer(world.farmer_id))
    assert await _balance(uow_factory, world) == ledger.Balance(50000, 10000)


async def test_twenty_concurrent_submissions_against_a_balance_for_three_hold_exactly_three(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await _world(uow_factory)
    async with uow_factory() as uow:  # ¥600 + ¥300 = three on-site consultations at ¥300
        account = await ledger.get_account(uow, world.service_object_id, YEAR)
        await ledger.adjust(uow, account, 30000, Actor.system(), note="test top-up")
        await uow.commit()
        drafts = [
            (await requests.create_draft(uow, world.farmer_id, description=f"葵花叶子发黄 {i}")).id
            for i in range(20)
        ]

    async def submit(draft_id: int) -> str:
        async with uow_factory() as uow:
            try:
                await requests.submit(
                    uow,
                    draft_id,
                    world.farmer_id,
                    expert_id=world.experts["王建国"],
                    mode=ServiceMode.onsite_consult,
                    now=datetime(YEAR, 6, 3, 2, 0, tzinfo=UTC),
                )
            except InsufficientBalance:
                return "refused"
            return "held"

    outcomes = await asyncio.gather(*(submit(d) for d in drafts))
    assert outcomes.count("held") == 3 and outcomes.count("refused") == 17
    assert await _balance(uow_factory, world) == ledger.Balance(0, 90000)
    async with uow_factory() as uow:
        holds = await uow.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == LedgerKind.hold)
        )
        pending = await uow.session.scalar(
            select(func.count()).where(requests.ServiceRequest.status == RequestStatus.pending_review)
        )
    assert holds == 3 and pending == 3


async def test_an_addition_joins_a_request_only_while_it_waits_for_review(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await _world(uow_factory)
    request_id = await _submitted(uow_factory, world)
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput):
            await requests.supplement(uow, request_id, world.farmer_id, "？？")  # no words
        with pytest.raises(NotPermitted):
            await requests.supplement(uow, request_id, world.farmer_id + 999, "叶子背面也有虫")
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput) as refused:
            await requests.supplement(uow, request_id, world.farmer_id, "叶子背面也有虫" * 300)
        assert refused.value.details["limit"] == 2000
    async with uow_factory() as uow:
        request = await requests.supplement(uow, request_id, world.farmer_id, " 叶子背面也有虫 ")
        assert request.description == "葵花叶子上有黄斑\n叶子背面也有虫"
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, Staff(1, world.county_id), now=EVENING)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(IllegalTransition):  # the reviewed text stands
            await requests.supplement(uow, request_id, world.farmer_id, "还有一件事")
