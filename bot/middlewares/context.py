"""Per update: de-duplication, one unit of work, who the sender is and their language, all of it
handed to the handlers as one `Turn` (bot.turn; data key `turn`). The separate data keys (`uow`,
`t`, `deps`, `identity`, `farmer`, `expert`) are kept for the routers' filters.

Telegram may deliver an update twice (a retry after a timeout, a restart mid-batch). The update id
is the first write of the update's unit of work, so a second delivery finds it and is dropped before
any handler runs.

The row is written at once (a duplicate fails right there; core.updates) but is committed by the
handler's first commit, in the same transaction as what the update changed: one transaction per
update instead of two, and "handled" is recorded atomically with the change itself. Nothing a
handler left uncommitted is ever committed here: when the handler made no commit, or raised, its
uncommitted work is rolled back (exactly what closing the unit of work did before) and the update
id alone is committed on its own. A use case that fails half-way therefore still never has its
half-done work committed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, Update, User

from bot.deps import BotDeps
from bot.middlewares.reads_end_before_calls import reads_end_before_calls
from bot.outages import is_transient
from bot.polling import Redelivery
from bot.turn import Turn, message_answered
from core import updates
from core.binding import identify
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class ContextMiddleware(BaseMiddleware):
    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        async with self.deps.uow() as uow:
            claimed, who = await updates.claim_and_identify(uow, event.update_id, user.id if user else None)
            redelivery: Redelivery | None = data.get("redelivery")
            if not claimed:
                if redelivery is None or event.update_id not in redelivery.claimed_alone:
                    log.info("update %s already handled; skipped", event.update_id)
                    return None
                # Its claim alone was committed before an outage stopped it: it is handled now.
                await uow.rollback()  # the refused claim ended the transaction on PostgreSQL
                who = await identify(uow, user.id) if user else None
            # The claim may be committed before the handler's work is: with nothing else written,
            # the transaction is ended before the bot's first call to Telegram (reads_end_before_calls).
            uow.mark_written_as_bookkeeping()
            data["deps"] = self.deps
            data["uow"] = uow
            data["identity"] = who
            data["farmer"] = who.farmer if who else None
            data["expert"] = who.expert if who else None
            person = (who.expert or who.farmer) if who else None
            language = person.language if person else None
            if person is None:
                state: FSMContext | None = data.get("state")
                if state is not None:
                    language = (await state.get_data()).get("language")
            data["t"] = self.deps.catalog.translator(language)
            data["turn"] = Turn(
                t=data["t"],
                uow=uow,
                deps=self.deps,
                identity=who,
                fsm=data.get("state"),
                answering=message_answered(event),
            )
            try:
                with reads_end_before_calls(uow):
                    result = await handler(event, data)
            except Exception as failure:
                # An update that met an outage is handled again once the service is back
                # (bot.polling): recorded now, the retry would find it handled and drop it. Its claim
                # may have been committed alone already (before a call to Telegram): then the retry
                # is told the claim is not the work.
                if is_transient(failure):
                    if redelivery is not None:
                        _note_claim(redelivery, uow, event.update_id)
                elif not uow.first_transaction_committed:
                    try:
                        await _record_alone(uow, event.update_id)
                    except Exception:  # the handler's failure is the one to report
                        log.exception("could not record update %s as handled", event.update_id)
                raise
            if uow.first_transaction_committed is None and await uow.commit_if_only_bookkeeping():
                return result  # the claim's own transaction, with reads only: committed as it is
            if not uow.first_transaction_committed:
                await _record_alone(uow, event.update_id)
            return result


async def _record_alone(uow: UnitOfWork, update_id: int) -> None:
    """The claim was rolled back with the handler's uncommitted work, or never committed: commit
    the update id by itself."""
    if not await updates.record_alone(uow, update_id):
        log.info("update %s was recorded by another delivery", update_id)


def _note_claim(redelivery: Redelivery, uow: UnitOfWork, update_id: int) -> None:
    """An outage stopped the update: if its claim was committed by itself (before a call to
    Telegram) and nothing of its work was, its next try must not take the claim for the work done."""
    if uow.work_committed:
        redelivery.claimed_alone.discard(
            update_id
        )  # part of the work is in: running it again would repeat it
    elif uow.first_transaction_committed:
        redelivery.claimed_alone.add(update_id)
