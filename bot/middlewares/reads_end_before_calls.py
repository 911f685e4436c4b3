"""Before each call to Telegram, end the update's transaction if it only read (and claimed the update).

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

from contextvars import ContextVar
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from aiogram import Bot

# The unit of work of the update being handled in this task; None outside an update (the notifier,
# the sweeper and the advisory sender send with units of work of their own, committed before).
update_uow: ContextVar[UnitOfWork | None] = ContextVar("update_uow", default=None)


class EndReadsBeforeCalls(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        uow = update_uow.get()
        if uow is not None and uow.is_open:
            await uow.commit_if_only_bookkeeping()
        return await make_request(bot, method)
