"""Tells an account it no longer speaks for an expert once staff moved the expert to another one.

The source is the "rebind" audit row core.binding writes when a re-binding code is used, read in
order with the notifier's cursor mechanism (bot.event_cursor), not a message sent from the binding
handler: the binding is committed before anything is sent, so a send from the handler that failed
(Telegram down, the process stopped) would leave the old account never told. From the audit row
it goes out at least once, however long Telegram was away.
"""

from __future__ import annotations

from bot.event_cursor import AuditRowPusher
from bot.outbound import deliver_or_defer
from core.binding import REBIND
from storage.models import AuditLog, Expert
from storage.uow import UnitOfWork


class AccountPusher(AuditRowPusher):
    CURSOR = "rebinds"
    WANTED = AuditLog.action == REBIND

    async def _announce(self, uow: UnitOfWork, entry: AuditLog) -> None:
        expert = await uow.session.get(Expert, entry.entity_id)
        assert expert is not None
        previous = int(entry.detail["previous_telegram_user_id"])
        text = self.deps.catalog.translator(expert.language)("bind.rebound_previous", name=expert.name)
        await deliver_or_defer(lambda: self.bot.send_message(previous, text), what="re-binding notice")
