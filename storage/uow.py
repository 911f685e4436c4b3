"""The unit of work: one session, rolled back unless the core function commits it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class UnitOfWork:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        # Whether the first transaction to end was committed: the bot's context middleware writes the
        # update's de-duplication row first and lets it ride on the handler's first commit, so it
        # needs to know if it did.
        self.first_transaction_committed: bool | None = None

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

    async def commit(self) -> None:
        await self.session.commit()
        if self.first_transaction_committed is None:
            self.first_transaction_committed = True

    async def rollback(self) -> None:
        await self.session.rollback()
        if self.first_transaction_committed is None:
            self.first_transaction_committed = False

    async def flush(self) -> None:
        await self.session.flush()
