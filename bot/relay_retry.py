"""Conversation messages that waited for Telegram, relayed again in the order they were written.

A farmer's or an expert's message is stored as waiting, then relayed to the other party and marked
done (dialogs/thread.py). When Telegram cannot be reached, or the process died before Telegram took
it, the message stays waiting (the sender, if still there, is told it will follow); this pump, run
with the notifier, relays the waiting ones oldest first and stops at the first that still cannot
go, so the other party never reads them out of order. A conversation whose message an update is
sending right now is skipped for this round (bot.relay.lane): it must not go twice.
"""

from __future__ import annotations

import logging

from aiogram import Bot

from bot.deps import BotDeps
from bot.middlewares.reads_end_before_calls import reads_end_before_calls
from bot.outbound import TelegramUnreachable
from bot.relay import Content, Lane, lane, relay
from core import threads
from storage.models import ServiceRequest, ThreadMessage
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class RelayRetry:
    def __init__(self, bot: Bot, deps: BotDeps) -> None:
        self.bot = bot
        self.deps = deps

    async def pump(self) -> int:
        """Relay the waiting messages; how many were settled (relayed, or given up)."""
        settled = 0
        busy: set[Lane] = set()  # conversations whose messages wait for a later round
        async with self.deps.uow() as uow:
            with reads_end_before_calls(uow):
                for stored in await threads.pending_relays(uow):
                    key = (stored.request_id, stored.sender_kind)
                    if key in busy:
                        continue  # an earlier message of this conversation waits: this one too
                    with lane(*key) as ours:
                        # Not ours: an update is sending this conversation's message right now.
                        # Ours, but no longer waiting: that update sent it since the list was read.
                        if not ours or not await threads.still_pending(uow, stored):
                            busy.add(key)
                            continue
                        outcome = await self._relay(uow, stored)
                    if outcome is None:
                        break  # Telegram still down: this one and the later ones wait for the next round
                    settled += 1
        return settled

    async def _relay(self, uow: UnitOfWork, stored: ThreadMessage) -> bool | None:
        """Relay one waiting message: True when delivered, False when given up (settled either way),
        None when Telegram could not be reached (still waiting)."""
        request = await uow.session.get(ServiceRequest, stored.request_id)
        assert request is not None
        name = await threads.sender_name(uow, stored)
        try:
            content = Content.stored(stored)
            if await relay(
                self.bot, self.deps, uow, request, stored.sender_kind, name, content, stored=stored
            ):
                return True
        except TelegramUnreachable:
            return None
        except Exception:  # one bad record must not hold up every later message
            log.exception("could not relay conversation message %s", stored.id)
        log.warning("conversation message %s: the other party cannot be reached", stored.id)
        await threads.set_relay_pending(uow, stored, False)
        return False
