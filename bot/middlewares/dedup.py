"""Telegram may deliver an update twice (a retry after a timeout, a restart mid-batch): act once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from sqlalchemy.exc import IntegrityError

from bot.deps import BotDeps
from storage.models import ProcessedUpdate

log = logging.getLogger(__name__)


class DedupMiddleware(BaseMiddleware):
    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        async with self.deps.uow() as uow:
            uow.session.add(ProcessedUpdate(update_id=event.update_id))
            try:
                await uow.commit()
            except IntegrityError:
                log.info("update %s already handled; skipped", event.update_id)
                return None
        return await handler(event, data)
