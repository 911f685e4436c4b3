"""A pooled PostgreSQL connection the server dropped while it sat idle is replaced on checkout, not
handed to the next farmer's update (storage.engine pings a connection idle for PING_AFTER_IDLE_S).

Driven through the real engine and pool against the real server: the server ends the pooled
connection (as an idle timeout, a restart or a proxy would), and the next unit of work must still run.
Without the ping wired into create_engine's pool, that statement fails on the dead connection.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import engine as storage_engine

PG_TEST_URL = os.environ.get("PG_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _end_on_the_server(pid: int) -> None:
    killer = storage_engine.create_engine(PG_TEST_URL)
    try:
        async with killer.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await killer.dispose()


async def test_a_connection_the_server_dropped_while_idle_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = storage_engine.create_engine(PG_TEST_URL)
    try:
        first = await _backend_pid(engine)  # the connection is back in the pool now
        await _end_on_the_server(first)
        monkeypatch.setattr(storage_engine, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long enough"
        second = await _backend_pid(engine)
        assert second != first
    finally:
        await engine.dispose()


async def test_a_connection_just_returned_is_reused_without_a_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    # The ping costs a round trip; a connection used a moment ago is trusted (the common case under load).
    engine = storage_engine.create_engine(PG_TEST_URL)
    pings = 0
    real_ping = engine.sync_engine.dialect.do_ping

    def counted(connection: Any) -> bool:
        nonlocal pings
        pings += 1
        return bool(real_ping(connection))

    monkeypatch.setattr(engine.sync_engine.dialect, "do_ping", counted)
    try:
        assert await _backend_pid(engine) == await _backend_pid(engine)
        assert pings == 0
        monkeypatch.setattr(storage_engine, "PING_AFTER_IDLE_S", 0.0)
        await _backend_pid(engine)
        assert pings == 1
    finally:
        await engine.dispose()
