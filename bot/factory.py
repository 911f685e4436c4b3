"""The composition root of the bot: deps from settings, a Dispatcher wired with every router."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage

from bot.deps import BotDeps
from bot.middlewares.context import ContextMiddleware
from bot.middlewares.errors import on_error
from dialogs import routers


def create_dispatcher(deps: BotDeps, *, storage: BaseStorage | None = None) -> Dispatcher:
    dispatcher = Dispatcher(storage=storage or MemoryStorage(), deps=deps)
    # An outer middleware on `update`, so every kind of update is de-duplicated and gets a context.
    dispatcher.update.outer_middleware(ContextMiddleware(deps))
    dispatcher.errors.register(on_error)
    for router in routers():
        dispatcher.include_router(router)
    return dispatcher


def fsm_storage(redis_url: str | None) -> BaseStorage:
    """Conversation state in Redis when configured, so a half-filled form survives a restart and
    several bot processes share it; in memory for the embedded default."""
    if redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(redis_url)
    return MemoryStorage()


def create_bot(token: str, *, session: BaseSession | None = None) -> Bot:
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
