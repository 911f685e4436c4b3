"""Per update: de-duplication, one unit of work, who the sender is and their language.

Telegram may deliver an update twice (a retry after a timeout, a restart mid-batch). Recording the
update id is the first write of the update's unit of work and is committed with the sender lookup,
so a second delivery finds it and is dropped before any handler runs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.exc import IntegrityError

from bot.deps import BotDeps
from core.binding import identify
from storage.models import ProcessedUpdate

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
            uow.session.add(ProcessedUpdate(update_id=event.update_id))
            try:
                await uow.flush()
            except IntegrityError:
                log.info("update %s already handled; skipped", event.update_id)
                return None
            who = await identify(uow, user.id) if user else None
            await uow.commit()
            data["deps"] = self.deps
            data["uow"] = uow
            data["farmer"] = who.farmer if who else None
            data["expert"] = who.expert if who else None
            person = (who.expert or who.farmer) if who else None
            language = person.language if person else None
            if person is None:
                state: FSMContext | None = data.get("state")
                if state is not None:
                    language = (await state.get_data()).get("language")
            data["t"] = self.deps.catalog.translator(language)
            return await handler(event, data)
