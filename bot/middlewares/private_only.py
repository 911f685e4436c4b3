"""The bot works in private chats only.

Anyone can add a bot to a group. There, a farmer's problem, a request card with names, or an
expert's answer relayed from a thread would be read by the whole group, and a message written in
the group would be taken as the farmer's or the expert's own (the thread router would relay it to
the other party). So updates from groups, supergroups and channels are dropped before anything
else runs; a command there gets one line pointing to the private chat, so whoever tried knows
where to go.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, Update

from bot.deps import BotDeps
from bot.outbound import deliver

log = logging.getLogger(__name__)


class PrivateChatsOnly(BaseMiddleware):
    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        # aiogram's UserContextMiddleware, an outer middleware registered before this one, has found
        # the update's chat (a callback query's is its message's).
        chat: Chat | None = data.get("event_chat")
        if chat is None or chat.type == ChatType.PRIVATE:
            return await handler(event, data)
        message = event.message
        if message is not None and (message.text or "").startswith("/"):
            t = self.deps.catalog.for_telegram_user(message.from_user)
            await deliver(lambda: message.reply(t("group.private_only")), what="group redirect")
        log.info("update %s from a %s chat dropped", event.update_id, chat.type)
        return None
