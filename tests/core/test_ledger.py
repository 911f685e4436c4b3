"""The voucher ledger: balances never go negative and always equal the sum of the ledger."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from core import ledger
from core.actors import Actor
from core.errors import InsufficientBalance, InvalidInput
from core.requests import create_draft
from storage.engine import create_engine, create_session_factory
from storage.models import Base
from storage.uow import UnitOfWork
from tests.demo_world import build_world

SYSTEM = Actor.system()


async def test_issue_hold_capture_release_move_the_right_balances(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        request = await create_draft(uow, world.farmer_id, description="葵花叶子发黄")
        account = await ledger.open_account(uow, world.service_object_id, 2031)
        await ledger.issue(uow, account, 60000, SYSTEM)
        await ledger.hold(uow, account, request.id, 30000, SYSTEM)
        assert await ledger.account_balance(uow, account.id) == ledger.Balance(30000, 30000)
        assert await ledger.reconcile(uow, account.id)


async def test_capture_less_than_held_releases_the_rest(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        request = await create_draft(uow, world.farmer_id, description="羊羔拉稀")
        account = await ledger.open_account(uow, world.service_object_id, 2031)
        await ledger.issue(uow, account, 100000, SYSTEM)
        await ledger.hold(uow, account, request.id, 30000, SYSTEM)
        await ledger.capture(uow, request.id, 10000, SYSTEM)
        assert await ledger.account_balance(uow, account.id) == ledger.Balance(90000, 0)
        assert await ledger.held_for_request(uow, request.id) == (account.id, 0)
        assert await ledger.reconcile(uow, account.id)


async def test_hold_beyond_the_balance_is_refused_and_changes_nothing(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        request = await create_draft(uow, world.farmer_id, description="葵花叶子发黄")
        account = await ledger.open_account(uow, world.service_object_id, 2031)
        await ledger.issue(uow, account, 5000, SYSTEM)
        with pytest.raises(InsufficientBalance, match="does not cover"):
            await ledger.hold(uow, account, request.id, 5001, SYSTEM)
        assert await ledger.account_balance(uow, account.id) == ledger.Balance(5000, 0)
        assert await ledger.reconcile(uow, account.id)


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
async def test_amounts_are_positive_whole_fen(uow_factory: Callable[[], UnitOfWork], amount: object) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        account = await ledger.open_account(uow, world.service_object_id, 2031)
        with pytest.raises(InvalidInput):
            await ledger.issue(uow, account, amount, SYSTEM)  # type: ignore[arg-type]


async def test_year_end_expiry_lapses_only_the_unheld_balance(uow_factory: Callable[[], UnitOfWork]) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        request = await create_draft(uow, world.farmer_id, description="葵花叶子发黄")
        account = await ledger.open_account(uow, world.service_object_id, 2031)
        await ledger.issue(uow, account, 60000, SYSTEM)
        await ledger.hold(uow, account, request.id, 5000, SYSTEM)
        await ledger.expire(uow, account, SYSTEM)
        assert await ledger.account_balance(uow, account.id) == ledger.Balance(0, 5000)
        assert await ledger.reconcile(uow, account.id)


# --- random operation sequences against a model -------------------------------------------------


@dataclass
class Model:
    available: int = 0
    held: dict[int, int] = field(default_factory=dict)


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.integers(1, 50000)),
        st.tuples(st.just("hold"), st.integers(0, 3), st.integers(1, 40000)),
        st.tuples(st.just("release"), st.integers(0, 3)),
        st.tuples(st.just("capture"), st.integers(0, 3), st.integers(1, 40000)),
        st.tuples(st.just("adjust"), st.integers(-30000, 30000).filter(bool)),
        st.tuples(st.just("expire")),
    ),
    max_size=25,
)


async def _run_sequence(url: str, ops: list[tuple]) -> None:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    try:
        world = await build_world(lambda: UnitOfWork(factory), telegram_user_id=555)
        async with UnitOfWork(factory) as uow:
            requests = [
                (await create_draft(uow, world.farmer_id, description=f"问题{i}")).id for i in range(4)
            ]
            account = await ledger.open_account(uow, world.service_object_id, 2031)
            model = Model()
            for op in ops:
                await _apply(uow, account, requests, model, op)
                await uow.commit()
                balance = await ledger.account_balance(uow, account.id)
                assert balance == await ledger.ledger_sums(uow, account.id)
                assert balance == ledger.Balance(model.available, sum(model.held.values()))
                assert balance.available_fen >= 0 and balance.held_fen >= 0
    finally:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(delete(table))
        await engine.dispose()


async def _apply(uow: UnitOfWork, account, requests: list[int], model: Model, op: tuple) -> None:
    kind = op[0]
    if kind == "issue":
        await ledger.issue(uow, account, op[1], SYSTEM)
        model.available += op[1]
    elif kind == "hold":
        request_id, amount = requests[op[1]], op[2]
        if amount > model.available:
            with pytest.raises(InsufficientBalance):
                await ledger.hold(uow, account, request_id, amount, SYSTEM)
            return
        await ledger.hold(uow, account, request_id, amount, SYSTEM)
        model.available -= amount
        model.held[request_id] = model.held.get(request_id, 0) + amount
    elif kind == "release":
        request_id = requests[op[1]]
        await ledger.release(uow, request_id, SYSTEM)
        model.available += model.held.pop(request_id, 0)
    elif kind == "capture":
        request_id, amount = requests[op[1]], op[2]
        held = model.held.get(request_id, 0)
        if amount > held:
            with pytest.raises(InsufficientBalance):
                await ledger.capture(uow, request_id, amount, SYSTEM)
            return
        await ledger.capture(uow, request_id, amount, SYSTEM)
        model.available += held - amount
        model.held.pop(request_id)
    elif kind == "adjust":
        if model.available + op[1] < 0:
            with pytest.raises(InsufficientBalance):
                await ledger.adjust(uow, account, op[1], SYSTEM, note="correction")
            return
        await ledger.adjust(uow, account, op[1], SYSTEM, note="correction")
        model.available += op[1]
    elif kind == "expire":
        await ledger.expire(uow, account, SYSTEM)
        model.available = 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
@pytest.mark.db
def test_random_operation_sequences_keep_the_ledger_invariants(database_url: str, ops: list[tuple]) -> None:
    asyncio.run(_run_sequence(database_url, ops))
