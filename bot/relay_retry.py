"""Conversation messages that waited for Telegram, relayed again in the order they were written.

A farmer's or an expert's message is stored, then relayed to the other party (dialogs/thread.py).
When Telegram cannot be reached the message is marked as waiting and the sender is told it will
follow; this pump, run with the notifier, relays the waiting ones oldest first and stops at the
first that still cannot go, so the other party never reads them out of order.
"""

from __future__ import annotations

import logging

from aiogram import Bot

from bot.deps import BotDeps
from bot.middlewares.reads_end_before_calls import reads_end_before_calls
from bot.outbound import TelegramUnreachable
from core import threads
from dialogs.relay import Content, relay
from storage.models import ServiceRequest

log = logging.getLogger(__name__)


class RelayRetry:
    def __init__(self, bot: Bot, deps: BotDeps) -> None:
        self.bot = bot
        self.deps = deps

    async def pump(self) -> int:
        """Relay the waiting messages; how many were settled (relayed, or given up)."""
        settled = 0
        async with self.deps.uow() as uow:
            with reads_end_before_calls(uow):
                for stored in await threads.pending_relays(uow):
                    request = await uow.session.get(ServiceRequest, stored.request_id)
                    assert request is not None
                    name = await threads.sender_name(uow, stored)
                    try:
                        reached = await relay(
                            self.bot,
                            self.deps,
                            uow,
                            request,
                            stored.sender_kind,
                            name,
                            Content.stored(stored),
                        )
                    except TelegramUnreachable:
                        break  # still down: this one and the later ones wait for the next round
                    except Exception:  # one bad record must not hold up every later message
                        log.exception("could not relay conversation message %s", stored.id)
                        reached = False
                    if not reached:
                        log.warning("conversation message %s: the other party cannot be reached", stored.id)
                    await threads.set_relay_pending(uow, stored, False)
                    settled += 1
        return settled
