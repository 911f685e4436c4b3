"""SQLite on the event loop (storage.sqlite_driver): waiting for the database never blocks the loop.

These run on a SQLite file of their own, whatever TEST_DATABASE_URL says: they are about the driver.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import sqlite_driver
from storage.engine import create_engine

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("text", String(32)))


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, Path]]:
    path = tmp_path / "driver.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    try:
        yield engine, path
    finally:
        await engine.dispose()


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(notes)) or 0)


async def test_concurrent_transactions_of_one_process_queue_instead_of_failing(
    sqlite: tuple[AsyncEngine, Path],
) -> None:
    engine, _ = sqlite

    async def write(n: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(notes).values(text=f"note {n}"))
            await asyncio.sleep(0)  # hand the loop to the others while holding the transaction

    await asyncio.gather(*(write(n) for n in range(40)))
    assert await _count(engine) == 40


async def test_another_process_holding_the_database_is_waited_for_without_blocking_the_loop(
    sqlite: tuple[AsyncEngine, Path],
) -> None:
    engine, path = sqlite
    other = sqlite3.connect(path, isolation_level=None)  # say, the review CLI mid-transaction
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    async def write() -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(notes).values(text="after the other process"))

    clock = asyncio.create_task(ticker())
    writer = asyncio.create_task(write())
    await asyncio.sleep(0.2)
    assert not writer.done()  # waiting for the other process …
    assert ticks >= 10  # … while the loop keeps serving everything else
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writer, 5)
    clock.cancel()
    assert await _count(engine) == 1


async def test_a_database_held_past_the_busy_timeout_is_reported_locked(
    sqlite: tuple[AsyncEngine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, path = sqlite
    monkeypatch.setattr(sqlite_driver, "BUSY_TIMEOUT_S", 0.1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Exception, match="database is locked"):
            async with engine.begin() as connection:
                await connection.execute(insert(notes).values(text="never"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    # The failed BEGIN left nothing held: the next transaction goes through.
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(text="next"))
    assert await _count(engine) == 1


async def test_a_rolled_back_transaction_lets_the_next_one_in(sqlite: tuple[AsyncEngine, Path]) -> None:
    engine, _ = sqlite
    with pytest.raises(RuntimeError):
        async with engine.begin() as connection:
            await connection.execute(insert(notes).values(text="rolled back"))
            raise RuntimeError("the use case failed")
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(text="kept"))
    async with engine.connect() as connection:
        assert (await connection.scalars(select(notes.c.text))).all() == ["kept"]
