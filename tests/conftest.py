"""Shared fixtures: a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL).

The schema is built once per run with the real Alembic migrations; each test gets a fresh engine and
every table is emptied after it, so tests are independent on both backends.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jingfu.shared_data import shared_data
from storage import migrate
from storage.engine import create_engine, create_session_factory
from storage.models import Base
from storage.uow import UnitOfWork

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = shared_data()

DB_FIXTURES = {"database_url", "engine", "session_factory", "uow_factory"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test that touches the database carries the `db` marker, so CI can rerun exactly those on
    # PostgreSQL.
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: touches the database (runs on SQLite and PostgreSQL)")
    # `jingfu run` and `jingfu shell` serve the admin API beside the bot: in tests (and the commands
    # they start) on a port the system picks, never 8080, which a running demo or another test holds.
    os.environ["ADMIN_PORT"] = "0"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    asyncio.run(_reset_schema(url))
    yield url


async def _reset_schema(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        await engine.dispose()
    await migrate.upgrade(url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(delete(table))
        await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
def uow_factory(session_factory: async_sessionmaker[AsyncSession]) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(session_factory)
