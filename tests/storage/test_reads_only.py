"""UnitOfWork.reads_only: a reader's statements run without BEGIN on PostgreSQL, and a unit of work
that already began a transaction keeps it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text

from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


async def _start_times(uow: UnitOfWork) -> tuple[datetime, datetime]:
    # now() is the start of the current transaction: the same for every statement of one transaction.
    first = await uow.session.scalar(text("SELECT now()"))
    await uow.session.execute(text("SELECT pg_sleep(0.01)"))
    second = await uow.session.scalar(text("SELECT now()"))
    assert first is not None and second is not None
    return first, second


async def test_a_readers_statements_run_outside_a_transaction_on_postgresql(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.reads_only()
        if uow.session.get_bind().dialect.name != "postgresql":
            assert await uow.session.scalar(text("SELECT 1")) == 1  # SQLite: its transaction, unchanged
            return
        first, second = await _start_times(uow)
        assert first < second  # each statement its own transaction


async def test_a_unit_of_work_already_in_a_transaction_keeps_it(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.session.execute(text("SELECT 1"))
        await uow.reads_only()  # no warning (filterwarnings=error), nothing changed
        if uow.session.get_bind().dialect.name == "postgresql":
            first, second = await _start_times(uow)
            assert first == second
