"""SQLite for the async engine, run on the event loop: no worker thread, a fair in-process write queue.

Why not aiosqlite's thread: aiosqlite runs every SQLite call on a thread of the connection's own,
and SQLAlchemy's adapter makes four calls per statement (open a cursor, execute, fetch, close),
each a queue hand-off, a thread wake-up, a GIL switch and an event-loop wake-up back. SQLite
answers the bot's statements (a key lookup, a one-row insert) in microseconds, so the hops were
most of what a statement cost: on a busy machine each wake-up waits for a CPU time slice, ~20 of
them for one farmer's message. Here the statement runs where it is awaited, like any in-process
library call. The price is that a slow statement holds up the event loop while it runs; the bot's
are point lookups and single-row writes, and a WAL checkpoint (every ~4 MB written) is the
longest thing SQLite does on its own.

Waiting never blocks the loop:
- in this process, transactions queue on an asyncio lock (first come, first served, woken the
  moment the previous one ends) before their BEGIN IMMEDIATE, so SQLite never sees two of them
  at once. Left to SQLite's busy handler, the pool's connections would sleep and poll (1, 2, 5 …
  100 ms) with the lock idle meanwhile, and under a steady stream of updates an unlucky one could
  starve past the busy timeout ("database is locked").
- another process (the review CLI) holding the database makes BEGIN IMMEDIATE return SQLITE_BUSY
  at once (busy timeout 0 on these connections); it is retried after an asyncio sleep until
  BUSY_TIMEOUT_S has passed, then fails as "database is locked" as before. In WAL mode it is the
  start of a transaction that meets a busy database: once BEGIN IMMEDIATE holds the write lock,
  statements and COMMIT go through, and readers never wait for the writer.

Every transaction of the code base starts with BEGIN IMMEDIATE (storage.engine says why); it is
sent with the transaction's first statement. Same statements, same transactions, same isolation.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

BUSY_TIMEOUT_S = 10.0  # how long a transaction waits for the database before "database is locked"
_FIRST_RETRY_S = 0.001
_LONGEST_RETRY_S = 0.05


class InlineCursor:
    """The part of aiosqlite's Cursor SQLAlchemy uses, holding a finished statement's results."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: list[Any] = []

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        connection = await self._connection.ready()
        self._keep(connection.execute(sql, () if parameters is None else parameters))
        return self

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> InlineCursor:
        connection = await self._connection.ready()
        self._keep(connection.executemany(sql, parameters))
        return self

    def _keep(self, cursor: sqlite3.Cursor) -> None:
        try:
            self.description = cursor.description
            self._rows = cursor.fetchall() if cursor.description else []
            self.rowcount, self.lastrowid = cursor.rowcount, cursor.lastrowid
        finally:
            cursor.close()

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = size or self.arraysize
        taken, self._rows = self._rows[:size], self._rows[size:]
        return taken

    async def fetchall(self) -> list[Any]:
        taken, self._rows = self._rows, []
        return taken

    async def close(self) -> None:
        self._rows = []


class _RunNow:
    """SQLAlchemy sets the isolation level by queueing a call for aiosqlite's thread; run it here."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """What SQLAlchemy's aiosqlite adapter needs of an aiosqlite.Connection, run on the loop."""

    def __init__(self, connection: sqlite3.Connection, write_lock: asyncio.Lock) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._tx = _RunNow()
        self._write_lock = write_lock
        self._holds_write_lock = False
        self._pending_begin: str | None = None

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def begin_with_next_statement(self, begin: str) -> None:
        """Send `begin` ahead of the next statement (SQLAlchemy's begin event cannot await)."""
        self._pending_begin = begin

    async def ready(self) -> sqlite3.Connection:
        """The connection, inside the transaction asked for: queued for, then begun."""
        connection = self._conn
        begin, self._pending_begin = self._pending_begin, None
        if begin is not None:
            await self._acquire_write_lock()
            try:
                await _begin(connection, begin)
            except BaseException:
                self.release_write_lock()
                raise
        return connection

    async def _acquire_write_lock(self) -> None:
        if self._holds_write_lock:
            return
        if self._write_lock.locked():
            try:
                await asyncio.wait_for(self._write_lock.acquire(), BUSY_TIMEOUT_S)
            except TimeoutError:
                raise sqlite3.OperationalError("database is locked") from None
        else:  # free: taken at once (wait_for would wrap the wait in a task of its own)
            await self._write_lock.acquire()
        self._holds_write_lock = True

    def release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            self._write_lock.release()

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def commit(self) -> None:
        try:
            if self._pending_begin is None:  # else nothing ran since BEGIN was asked for
                self._conn.commit()
        finally:
            self._pending_begin = None
            if not self._conn.in_transaction:  # a failed COMMIT stays open until its ROLLBACK
                self.release_write_lock()

    async def rollback(self) -> None:
        try:
            if self._pending_begin is None:
                self._conn.rollback()
        finally:
            self._pending_begin = None
            self.release_write_lock()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close now (closing rolls back an open transaction) and let the next transaction in."""
        connection, self._connection = self._connection, None
        try:
            if connection is not None:
                connection.close()
        finally:
            self.release_write_lock()


async def _begin(connection: sqlite3.Connection, begin: str) -> None:
    """BEGIN, retried without blocking the loop while another process holds the database."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_TIMEOUT_S
    delay = _FIRST_RETRY_S
    while True:
        try:
            connection.execute(begin)
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or loop.time() >= deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, _LONGEST_RETRY_S)


def connector(database: str, **kwargs: Any) -> Callable[[], Awaitable[InlineConnection]]:
    """SQLAlchemy's `async_creator` for one engine: its connections share one write queue."""
    write_lock = asyncio.Lock()
    # Only the connect-time pragmas (storage.engine) wait in SQLite's own busy handler.
    kwargs.setdefault("timeout", BUSY_TIMEOUT_S)

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(database, **kwargs), write_lock)

    return connect
