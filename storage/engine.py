"""Engine and session factory for the configured database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


class UnsupportedDatabaseError(ValueError):
    pass


SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def normalise_url(url: str) -> str:
    """Accept the plain `postgresql://` and `sqlite://` spellings people paste, with the async driver."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise UnsupportedDatabaseError(
            f"DATABASE_URL uses {parsed.drivername!r}; use one of {', '.join(SUPPORTED_DRIVERS)}"
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the bot and the review CLI work side by side.
    # Autocommit mode at the driver hands transaction control to _sqlite_begin below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still never corrupts the database or splits a transaction; it only defers the
    # fsync to checkpoints, which would otherwise dominate every small commit the bot makes.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: two units of work that read then write can no
    # longer deadlock (SQLite would fail one with "database is locked"); the second simply waits.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, pool_pre_ping=not parsed.drivername.startswith("sqlite"))
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
