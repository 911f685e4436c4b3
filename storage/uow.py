"""The unit of work: one session, rolled back unless the core function commits it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

# session.info key: the open transaction has written something that is not bookkeeping.
_WROTE = "jingfu.wrote"


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    # Anything but a SELECT counts (text() included): wrongly counting a read only keeps a
    # transaction open a little longer, wrongly missing a write would commit it too early.
    if not state.is_select:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    session.info[_WROTE] = True


class UnitOfWork:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        # Whether the first transaction to end was committed: the bot's context middleware writes the
        # update's de-duplication row first and lets it ride on the handler's first commit, so it
        # needs to know if it did.
        self.first_transaction_committed: bool | None = None
        # Whether a commit other than `commit_if_only_bookkeeping`'s was made: with the claim committed
        # alone and no work, an update that failed has changed nothing but its claim.
        self.work_committed = False

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            # close() rolls back whatever was not committed but, unlike rollback(), leaves loaded
            # objects readable (detached, not expired), so callers can render what a use case returned.
            await self._session.close()
        finally:
            self._session = None

    async def reads_only(self) -> None:
        """Declare, before the first statement, that this unit of work only reads: on PostgreSQL its
        statements then run without BEGIN and ROLLBACK, two of the four round trips of a two-query
        read. A reader sees nothing different: under READ COMMITTED (the default) each statement of a
        transaction takes its own snapshot anyway. SQLite keeps its transaction (storage.engine), and so
        does a unit of work that has already begun one (what it read or wrote stays in it)."""
        if not self.session.in_transaction() and self.session.get_bind().dialect.name == "postgresql":
            await self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    @property
    def is_open(self) -> bool:
        return self._session is not None

    def mark_written_as_bookkeeping(self) -> None:
        """What the open transaction wrote so far may be committed at any point (the bot's claim of
        an update id): `commit_if_only_bookkeeping` does not count it as work in progress."""
        self.session.info.pop(_WROTE, None)

    async def commit_if_only_bookkeeping(self) -> bool:
        """Commit the open transaction if it holds reads and bookkeeping only, and say whether it did.

        The bot calls this before every call to Telegram. On SQLite every transaction holds the
        database's one write lock (BEGIN IMMEDIATE), so a handler that read, then replied, held
        every other update back for the whole round trip to Telegram. A transaction with real
        writes in progress is left alone: only its owner decides when they are done."""
        session = self._session
        if session is None or not session.in_transaction():
            return False
        if session.info.get(_WROTE) or session.new or session.deleted or session.dirty:
            return False
        await self._commit()
        return True

    async def commit(self) -> None:
        await self._commit()
        self.work_committed = True

    async def _commit(self) -> None:
        await self.session.commit()
        self.session.info.pop(_WROTE, None)
        if self.first_transaction_committed is None:
            self.first_transaction_committed = True

    async def rollback(self) -> None:
        await self.session.rollback()
        self.session.info.pop(_WROTE, None)
        if self.first_transaction_committed is None:
            self.first_transaction_committed = False

    async def flush(self) -> None:
        await self.session.flush()
