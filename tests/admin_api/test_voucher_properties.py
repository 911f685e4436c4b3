"""Random sequences of the voucher desk's acts, through the API, never get an account wrong.

A county administrator (临河区) and the city institute issue batches (keys repeated on purpose, by
kind, township or a list that may name another county's object), adjust accounts up and down, close
the ended year; meanwhile farmers' requests hold, release and capture (core.ledger, as the bot's use
cases do). After every act, stated without the rules it checks:

- the reconciliation endpoint lists no account, and every account listed satisfies
  issued = available + held + captured + expired, with nothing negative;
- a refused call (any status but 200) moves no money; a repeated key moves no money and answers
  exactly the first batch; an accepted batch adds exactly its total to what was issued;
- what was issued in all equals the demo's allowances plus every first batch plus every accepted
  adjustment.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from core import ledger
from core.actors import Actor
from core.admin_tokens import create_token
from core.errors import InsufficientBalance
from storage.engine import create_engine, create_session_factory
from storage.enums import AdminRole
from storage.models import Base, Farmer, LedgerEntry, ServiceObject, VoucherAccount
from storage.uow import UnitOfWork
from tests import factories as make
from tests.demo_world import World, build_world

LAST, CURRENT = 2025, 2026  # the API's clock is the real one: 2025 has ended, 2026 has not
CALLERS = ("county", "city")
ISSUE = st.tuples(
    st.just("issue"),
    st.sampled_from(CALLERS),
    st.sampled_from(["a", "b", "c"]),  # few keys: repeats are common
    st.one_of(
        st.tuples(st.just("kind"), st.sampled_from(["household", "point", "park", "unit"])),
        st.tuples(st.just("township"), st.integers(0, 3)),
        st.tuples(st.just("ids"), st.lists(st.integers(0, 7), min_size=1, max_size=3)),
    ),
    st.integers(1, 5_000),
    st.sampled_from([LAST, CURRENT]),
)
OPS = st.lists(
    st.one_of(
        ISSUE,
        ISSUE,
        st.tuples(st.just("repeat"), st.integers(0, 5)),  # an earlier batch sent again, as it was
        st.tuples(st.just("adjust"), st.integers(0, 20), st.integers(-3_000, 3_000).filter(bool)),
        st.tuples(st.just("hold"), st.integers(0, 20), st.integers(1, 4_000)),
        st.tuples(st.just("release"), st.integers(0, 10)),
        st.tuples(st.just("capture"), st.integers(0, 10), st.integers(1, 4_000)),
        st.tuples(st.just("expire"), st.sampled_from(CALLERS)),
    ),
    min_size=3,
    max_size=14,
)


@dataclass
class Run:
    client: TestClient
    uow_factory: Any
    world: World
    tokens: dict[str, dict[str, str]]
    objects: list[int]  # every service object, both counties
    townships: list[int]
    issued: int  # Σ issued over all accounts, as it must be
    first: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (caller, key) → answer
    holds: list[int] = field(default_factory=list)  # request ids that took a hold
    sent: list[tuple[Any, ...]] = field(default_factory=list)  # the issue ops sent so far


async def _entries(run: Run) -> int:
    async with run.uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


async def _accounts(run: Run) -> list[dict[str, Any]]:
    page = await run.client.get("/api/v1/vouchers/accounts?limit=200", headers=run.tokens["city"])
    assert page.status == 200
    items: list[dict[str, Any]] = (await page.json())["items"]
    return items


async def _own_account_ids(run: Run) -> list[int]:
    return [a["id"] for a in await _accounts(run) if a["county"] == "临河区"]


async def _post(run: Run, caller: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    answer = await run.client.post(path, headers=run.tokens[caller], json=body)
    return answer.status, await answer.json()


async def _issue(run: Run, op: tuple[Any, ...]) -> None:
    _, caller, key, (how, which), amount, year = op
    body: dict[str, Any] = {"amount_fen": amount, "budget_year": year, "batch_key": key}
    if how == "kind":
        body["kind"] = which
    elif how == "township":
        body["township_id"] = run.townships[which % len(run.townships)]
    else:
        body["service_object_ids"] = sorted({run.objects[i % len(run.objects)] for i in which})
    before = await _entries(run)
    status, answer = await _post(run, caller, "/api/v1/vouchers/issue", body)
    moved = await _entries(run) - before
    first = run.first.get((caller, key))
    if first is not None:
        assert (status, answer) == (200, {**first, "repeated": True}), (
            "a repeated key answers the first batch"
        )
        assert moved == 0, "a repeated key moves no money"
    elif status == 200:
        assert answer["repeated"] is False and moved == answer["accounts"]
        run.first[(caller, key)] = {**answer, "repeated": False}
        run.issued += answer["total_fen"]
    else:
        assert status in (404, 409, 422), (status, answer)
        assert moved == 0, "a refused batch moves no money"


async def _ledger_act(run: Run, op: tuple[Any, ...]) -> None:
    """What farmers' requests do to the vouchers meanwhile (core.requests does the same calls)."""
    async with run.uow_factory() as uow:
        if op[0] == "hold":
            accounts = (await uow.session.scalars(select(VoucherAccount).order_by(VoucherAccount.id))).all()
            account = accounts[op[1] % len(accounts)]
            farmer = await uow.session.get(Farmer, run.world.farmer_id)
            assert farmer is not None
            request = await make.service_request(uow, farmer)
            try:
                await ledger.hold(uow, account, request.id, op[2], Actor.farmer(farmer.id))
            except InsufficientBalance:
                return
            await uow.commit()
            run.holds.append(request.id)
        elif run.holds:
            request_id = run.holds[op[1] % len(run.holds)]
            try:
                if op[0] == "release":
                    await ledger.release(uow, request_id, Actor.system())
                else:
                    await ledger.capture(uow, request_id, op[2], Actor.system())
            except InsufficientBalance:
                return
            await uow.commit()


async def _act(run: Run, op: tuple[Any, ...]) -> None:
    if op[0] == "repeat" and run.sent:
        await _issue(run, run.sent[op[1] % len(run.sent)])
    elif op[0] == "issue":
        run.sent.append(op)
        await _issue(run, op)
    elif op[0] == "adjust":
        own = await _own_account_ids(run)
        before = await _entries(run)
        path = f"/api/v1/vouchers/accounts/{own[op[1] % len(own)]}/adjust"
        status, answer = await _post(run, "county", path, {"delta_fen": op[2], "reason": "核对更正"})
        assert status in (200, 409), (status, answer)
        assert await _entries(run) - before == (status == 200)
        run.issued += op[2] if status == 200 else 0
    elif op[0] == "expire":
        before = await _entries(run)
        status, answer = await _post(run, op[1], "/api/v1/vouchers/expire", {"budget_year": LAST})
        assert status == 200, answer
        moved = await _entries(run) - before
        assert moved == (0 if answer["repeated"] else answer["accounts"])
    elif op[0] != "repeat":
        await _ledger_act(run, op)


async def _check(run: Run) -> None:
    found = await run.client.get("/api/v1/vouchers/reconciliation", headers=run.tokens["city"])
    assert (await found.json())["mismatches"] == []
    accounts = await _accounts(run)
    for a in accounts:
        assert a["issued_fen"] == a["available_fen"] + a["held_fen"] + a["captured_fen"] + a["expired_fen"], a
        assert min(a["available_fen"], a["held_fen"], a["captured_fen"], a["expired_fen"]) >= 0, a
    assert sum(a["issued_fen"] for a in accounts) == run.issued


async def _run_sequence(url: str, ops: list[tuple[Any, ...]]) -> None:
    engine = create_engine(url)
    session_factory = create_session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(session_factory)

    try:
        world = await build_world(uow_factory)
        tokens = {}
        for caller, role, county in (
            ("county", AdminRole.county_admin, "临河区"),
            ("city", AdminRole.city_institute, None),
        ):
            async with uow_factory() as uow:
                issued_token = await create_token(uow, role=role, county_name=county)
            tokens[caller] = {"Authorization": f"Bearer {issued_token.token}"}
        async with uow_factory() as uow:
            objects = list(
                (await uow.session.scalars(select(ServiceObject.id).order_by(ServiceObject.id))).all()
            )
            townships = sorted(
                {
                    t
                    for t in (await uow.session.scalars(select(ServiceObject.township_id))).all()
                    if t is not None
                }
            )
            issued = int(await uow.session.scalar(select(func.sum(LedgerEntry.amount_fen))) or 0)
        app = create_admin_app(AdminServices(session_factory=session_factory))
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            run = Run(client, uow_factory, world, tokens, objects, townships, issued)
            await _check(run)
            for op in ops:
                await _act(run, op)
                await _check(run)
    finally:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(delete(table))
        await engine.dispose()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_voucher_acts_keep_every_account_reconciled(
    database_url: str, ops: list[tuple[Any, ...]]
) -> None:
    asyncio.run(_run_sequence(database_url, ops))
