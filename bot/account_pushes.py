"""Tells an account it no longer speaks for an expert once staff moved the expert to another one.

The source is the "rebind" audit row core.binding writes when a re-binding code is used, read in
order with the notifier's cursor mechanism (bot.event_cursor), not a message sent from the binding
handler: the binding is committed before anything is sent, so a send from the handler that failed
(Telegram down, the process stopped) would leave the old account never told. From the audit row
it goes out at least once, however long Telegram was away.
"""

from __future__ import annotations

from aiogram import Bot
from sqlalchemy import Select, func, select

from bot.deps import BotDeps
from bot.event_cursor import FIRST_START_LOOKBACK, announce_in_order, start_after
from bot.outbound import deliver_or_defer
from core.binding import REBIND
from storage.models import AuditLog, Expert
from storage.uow import UnitOfWork

CURSOR = "rebinds"


def _rebind_rows(position: int) -> Select[AuditLog]:
    return select(AuditLog).where(AuditLog.action == REBIND, AuditLog.id > position).order_by(AuditLog.id)


class AccountPusher:
    def __init__(self, bot: Bot, deps: BotDeps) -> None:
        self.bot = bot
        self.deps = deps

    async def start(self) -> None:
        stale = self.deps.clock() - FIRST_START_LOOKBACK
        await start_after(
            self.deps,
            CURSOR,
            select(func.max(AuditLog.id)).where(AuditLog.action == REBIND, AuditLog.at < stale),
        )

    async def pump(self) -> int:
        return await announce_in_order(self.deps, CURSOR, _rebind_rows, self._announce)

    async def _announce(self, uow: UnitOfWork, entry: AuditLog) -> None:
        expert = await uow.session.get(Expert, entry.entity_id)
        assert expert is not None
        previous = int(entry.detail["previous_telegram_user_id"])
        text = self.deps.catalog.translator(expert.language)("bind.rebound_previous", name=expert.name)
        await deliver_or_defer(lambda: self.bot.send_message(previous, text), what="re-binding notice")
