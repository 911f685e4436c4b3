"""Engine and session factory for the configured database."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import dialect as aiosqlite_dialect
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from storage import sqlite_driver
from storage.sqlite_driver import InlineConnection


class UnsupportedDatabaseError(ValueError):
    pass


class DatabaseFileMissing(UnsupportedDatabaseError):
    """An SQLite file that is not there, met by a command that reads: opening it would create an empty
    database, and the command would then fail on a missing table instead of saying what to do."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the SQLite database {path} does not exist; create it with `jingfu db upgrade` "
            "(and `jingfu seed demo` for the demo's data), or check DATABASE_URL"
        )


SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
EXAMPLE_URLS = "sqlite+aiosqlite:///var/jingfu.sqlite3 or postgresql+asyncpg://user@host:5432/jingfu"


def parse_url(url: str) -> URL:
    """The URL parsed, or an UnsupportedDatabaseError a person can act on. The value is never
    repeated: a mistyped URL still holds the password."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise UnsupportedDatabaseError(f"DATABASE_URL is not a database URL; e.g. {EXAMPLE_URLS}") from None
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise UnsupportedDatabaseError(f"DATABASE_URL has port {parsed.port}; a port is 1 to 65535")
    return parsed


def normalise_url(url: str) -> str:
    """Accept the plain `postgresql://` and `sqlite://` spellings people paste, with the async driver."""
    parsed = parse_url(url)
    driver = parsed.drivername
    if driver in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise UnsupportedDatabaseError(
            f"DATABASE_URL uses {parsed.drivername!r}; use one of {', '.join(SUPPORTED_DRIVERS)}"
        )
    if parsed.drivername.startswith("postgresql") and not parsed.database:
        # asyncpg would take the user's name for it, and migrate or seed whatever database that is.
        raise UnsupportedDatabaseError(f"DATABASE_URL names no database; e.g. {EXAMPLE_URLS}")
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
    # Statements run on the event loop (storage.sqlite_driver): SQLite must never sleep in its busy
    # handler there. Only BEGIN can find the database busy in WAL mode, and the driver retries it.
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: two units of work that read then write can no
    # longer deadlock (SQLite would fail one with "database is locked"); the second simply waits.
    # The driver queues it behind this process's other transactions and sends it with the first statement.
    driver_connection = connection.connection.driver_connection
    assert isinstance(driver_connection, InlineConnection)
    driver_connection.begin_with_next_statement("BEGIN IMMEDIATE")


# A pooled server connection that sat idle may have been closed (a server restart, a firewall's idle
# timeout); one in use moments ago almost certainly was not, and the error handling of SQLAlchemy
# replaces the whole pool on the first disconnect it meets anyway. So connections are pinged on
# checkout only after this long in the pool: `pool_pre_ping` pinged every checkout, a round trip to
# the server before every transaction of every update.
PING_AFTER_IDLE_S = 10.0


def _note_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dialect: Dialect, dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_S:
        return
    try:
        alive = dialect.do_ping(dbapi_connection)
    except Exception as error:
        raise DisconnectionError("the pooled connection is gone") from error
    if not alive:
        raise DisconnectionError("the pooled connection is gone")


def create_engine(url: str, *, echo: bool = False, must_exist: bool = False) -> AsyncEngine:
    """The engine for `url`. Statement parameters are farmers' and experts' own words: they are never
    in an error's message nor in the echo (hide_parameters), which logs statements only.

    `must_exist`: an SQLite file that is not there is refused (DatabaseFileMissing) rather than created;
    only migrations create the database."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        if must_exist and not Path(parsed.database).exists():
            raise DatabaseFileMissing(Path(parsed.database))
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    if parsed.drivername.startswith("sqlite"):
        args, kwargs = aiosqlite_dialect().create_connect_args(parsed)
        engine = create_async_engine(
            url, echo=echo, hide_parameters=True, async_creator=sqlite_driver.connector(*args, **kwargs)
        )
    else:
        engine = create_async_engine(url, echo=echo, hide_parameters=True)
        event.listen(engine.sync_engine.pool, "checkin", _note_checkin)
        event.listen(engine.sync_engine.pool, "checkout", partial(_ping_if_idle, engine.sync_engine.dialect))
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
