"""The last line of defence: a failure becomes a polite message, never a traceback to the user."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.types import ErrorEvent

from bot.deps import BotDeps

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, deps: BotDeps, **_: Any) -> bool:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    update = event.update
    user = update.event.from_user if hasattr(update.event, "from_user") else None
    if user is None:
        return True
    t = deps.catalog.translator(user.language_code if user.language_code == "en" else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t("error.generic"), show_alert=True)
        else:
            await bot.send_message(user.id, t("error.generic"))
    except Exception:  # the report itself must never raise
        log.exception("could not tell user %s about the failure", user.id)
    return True
