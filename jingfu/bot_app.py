"""The bot's composition root: the conversations (dialogs) put into the bot's Dispatcher
(bot.factory). It sits above both, so the bot's infrastructure never imports the conversations."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage

from bot import factory
from bot.deps import BotDeps
from dialogs import routers


def create_dispatcher(
    deps: BotDeps, *, storage: BaseStorage | None = None, isolation: BaseEventIsolation | None = None
) -> Dispatcher:
    """A Dispatcher with every conversation: see bot.factory.create_dispatcher."""
    return factory.create_dispatcher(deps, routers(), storage=storage, isolation=isolation)
