"""Pushes read from durable records in order (request events, offers' audit rows), at least once.

A cursor row records how far a reader has announced, so a restart neither repeats nor loses pushes.
While Telegram cannot be reached the cursor waits at the record being announced, so an outage
delays pushes instead of losing them; a push of that record that did go out may then go twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, ClassVar, Protocol, TypeVar

from aiogram import Bot
from sqlalchemy import ColumnElement, Select, func, select

from bot.deps import BotDeps
from bot.middlewares.reads_end_before_calls import reads_end_before_calls
from bot.outbound import TelegramUnreachable
from storage.models import AuditLog, Cursor
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
BATCH = 100


class Record(Protocol):
    id: Any


RecordT = TypeVar("RecordT", bound=Record)


# On a bot's first start, what happened in the last day is still owed to people (an invitation the
# reviewer approved from the CLI before the bot ran); older records are stale pushes (an invitation
# long expired, "approved" for last month's request), not announced.
FIRST_START_LOOKBACK = timedelta(hours=24)


async def start_after(deps: BotDeps, name: str, latest: Select[Any]) -> None:
    """On a first start (no cursor yet), begin after `latest`: the newest record older than
    FIRST_START_LOOKBACK, so older history is not announced. Later starts carry on from the cursor."""
    async with deps.uow() as uow:
        if await uow.session.get(Cursor, name) is None:
            uow.session.add(Cursor(name=name, position=await uow.session.scalar(latest) or 0))
            await uow.commit()


async def announce_in_order(
    deps: BotDeps,
    name: str,
    newer_than: Callable[[int], Select[RecordT]],
    announce: Callable[[UnitOfWork, RecordT], Awaitable[None]],
) -> int:
    """Announce the records after the cursor `name`, oldest first; how many were handled."""
    handled = 0
    async with deps.uow() as uow:
        with reads_end_before_calls(uow):
            cursor = await uow.session.get(Cursor, name)
            if cursor is None:
                cursor = Cursor(name=name, position=0)
                uow.session.add(cursor)
            records = (await uow.session.scalars(newer_than(cursor.position).limit(BATCH))).all()
            for record in records:
                try:
                    await announce(uow, record)
                except TelegramUnreachable:
                    # Telegram, not this record: stop here and announce it on the next round. A push of
                    # it that did go out may then go twice; one that never arrives (the expert's
                    # invitation, the farmer's "approved", a park's offer) is worse.
                    log.warning(
                        "Telegram unreachable; %s record %s waits for the next round", name, record.id
                    )
                    await uow.rollback()
                    break
                except Exception:  # one bad record must not stop every later push
                    log.exception("could not announce %s record %s", name, record.id)
                cursor.position = record.id
                await uow.commit()
                handled += 1
    return handled


class AuditRowPusher:
    """Pushes read from the audit rows that `WANTED` selects, oldest first, with the cursor `CURSOR`.
    A subclass says which rows (`WANTED`) and what each one tells whom (`_announce`)."""

    CURSOR: ClassVar[str]
    WANTED: ClassVar[ColumnElement[bool]]

    def __init__(self, bot: Bot, deps: BotDeps) -> None:
        self.bot = bot
        self.deps = deps

    async def start(self) -> None:
        stale = self.deps.clock() - FIRST_START_LOOKBACK
        await start_after(
            self.deps, self.CURSOR, select(func.max(AuditLog.id)).where(self.WANTED, AuditLog.at < stale)
        )

    async def pump(self) -> int:
        return await announce_in_order(self.deps, self.CURSOR, self._rows, self._announce)

    def _rows(self, position: int) -> Select[AuditLog]:
        return select(AuditLog).where(self.WANTED, AuditLog.id > position).order_by(AuditLog.id)

    async def _announce(self, uow: UnitOfWork, entry: AuditLog) -> None:
        raise NotImplementedError
