"""The last line of defence: a failure becomes a polite message, never a traceback to the user."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import ErrorEvent

from bot.deps import BotDeps
from bot.outages import is_transient
from bot.polling import Redelivery
from core.errors import InvalidInput
from render.i18n import Translator

log = logging.getLogger(__name__)
TELEGRAM_DOWN = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter)


def too_long(error: Exception, t: Translator) -> str | None:
    """The reply to a text over a length limit, or None for any other error. It is the one refusal
    any handler can meet (a pasted article, a long caption or comment), and the user can act on it:
    the message is still theirs to shorten."""
    if isinstance(error, InvalidInput) and "limit" in error.details:
        return t("error.too_long", limit=error.details["limit"], length=error.details.get("length", "?"))
    return None


async def on_error(
    event: ErrorEvent, bot: Bot, deps: BotDeps, redelivery: Redelivery | None = None, **_: Any
) -> bool:
    update = event.update
    if redelivery is not None and is_transient(event.exception):
        # The database or Redis is away: the polling loop keeps the update and handles it once the
        # service is back (bot.polling); this raises, so the update is not acknowledged.
        await redelivery.keep(event, bot, deps.catalog)
    if isinstance(event.exception, InvalidInput):
        log.info("update %s refused: %s", update.update_id, event.exception)
    else:
        log.exception("update %s failed", update.update_id, exc_info=event.exception)
    user = update.event.from_user if hasattr(update.event, "from_user") else None
    if user is None:
        return True
    if isinstance(event.exception, TELEGRAM_DOWN):
        # A call to Telegram failed after the session's tries (bot.middlewares.retry_sends): the
        # error reply would meet the same Telegram and only double the time this update takes.
        return True
    t = deps.catalog.for_telegram_user(user)
    reply = too_long(event.exception, t) or t("error.generic")
    # Through the bot's session like every call, so tried again while Telegram fails for a moment.
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(reply, show_alert=True)
            except TelegramBadRequest:
                # The handler had answered the press before it failed (Telegram takes one answer):
                # the reply goes to the chat instead, or the person would never learn what to do.
                await bot.send_message(user.id, reply)
        else:
            await bot.send_message(user.id, reply)
    except Exception:  # the report itself must never raise
        log.exception("could not tell user %s about the failure", user.id)
    return True
