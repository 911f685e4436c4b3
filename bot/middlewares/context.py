"""Per update: one unit of work, who the sender is (farmer, expert or nobody yet) and their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from bot.deps import BotDeps
from core.binding import identify


class ContextMiddleware(BaseMiddleware):
    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        async with self.deps.uow() as uow:
            data["deps"] = self.deps
            data["uow"] = uow
            who = await identify(uow, user.id) if user else None
            data["farmer"] = who.farmer if who else None
            data["expert"] = who.expert if who else None
            language = None
            if who and (who.farmer or who.expert):
                language = (who.farmer or who.expert).language  # type: ignore[union-attr]
            else:
                state: FSMContext | None = data.get("state")
                if state is not None:
                    language = (await state.get_data()).get("language")
            data["t"] = self.deps.catalog.translator(language)
            return await handler(event, data)
