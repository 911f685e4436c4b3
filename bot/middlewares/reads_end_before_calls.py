"""Before each call to Telegram, end the current transaction if it only read (and claimed the update).

Telegram takes tens to hundreds of milliseconds to answer a call. On SQLite every transaction holds
the database's one write lock from its start (BEGIN IMMEDIATE, storage.engine), and an update's
transaction starts with the claim of its update id (bot.middlewares.context). A handler that read
and then replied (the menu, the balance, help, a screening note) therefore kept every other update
waiting for its round trip to Telegram: twenty farmers checking their balance at once were served
one after another. Committing first records the claim, which is all such a transaction holds.

A transaction with the handler's own writes in progress is left open: committing it is the
handler's decision, and a reply sent before that commit is the handler's fault, not this layer's.
PostgreSQL needs none of this (the claim's row blocks only a second delivery of the same update),
but a commit there is one round trip the update made at its end anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from aiogram import Bot

# The unit of work of what runs in this task and talks to Telegram: an update being handled, or one
# round of a pump (the notifier's, the relay retry's), each setting it around its work. Unset, a
# call to Telegram changes nothing here.
current_uow: ContextVar[UnitOfWork | None] = ContextVar("current_uow", default=None)


@contextmanager
def reads_end_before_calls(uow: UnitOfWork) -> Iterator[None]:
    """Within this block, `uow`'s reads end before each call to Telegram (for pumps: an update's unit
    of work is set by the context middleware)."""
    token = current_uow.set(uow)
    try:
        yield
    finally:
        current_uow.reset(token)


class EndReadsBeforeCalls(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        uow = current_uow.get()
        if uow is not None and uow.is_open:
            await uow.commit_if_only_bookkeeping()
        return await make_request(bot, method)
