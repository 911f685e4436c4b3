"""Text no database can store, cleaned from every update as it enters the bot, and the person told.

Telegram's JSON can carry a NUL ("\\u0000") and an unpaired UTF-16 surrogate ("\\ud800") in any
text: a message, a caption, an edited message, a contact card's or a user's name. PostgreSQL refuses
both ("invalid byte sequence for encoding UTF8: 0x00"), and no UTF-8 encoder takes a lone surrogate,
so the SQLite driver fails on it too: the farmer got the generic error and their problem was lost.

Cleaned once, where updates come in (`Dispatcher.feed_update`, which long polling, the terminal and
the tests all call, as a webhook runner would), so no handler and no core function ever meets them: a NUL is
removed, a lone surrogate becomes U+FFFD (the replacement character, as any decoder would show it).
Nothing else of the text changes. A person whose message was cleaned is told so, after the update
was claimed (a second delivery of it says nothing twice).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.types import Chat, TelegramObject, Update
from pydantic import BaseModel

from bot.outbound import deliver
from render.i18n import Translator

log = logging.getLogger(__name__)

# In a Python str from json.loads a valid surrogate pair is already one code point, so any code
# point in D800–DFFF left is unpaired.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
CLEANED = "input_cleaned"  # the dispatcher's data: True when this update's text was cleaned


def clean_text(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def cleaned(value: Any) -> Any:
    """`value` (an Update, any aiogram object, or a raw update dict) with every string in it
    cleaned; the very same object when nothing needed it, so the common case copies nothing.
    aiogram's objects are frozen: a changed one is a copy with the changed fields only."""
    if isinstance(value, str):
        return clean_text(value) if _UNSTORABLE.search(value) else value
    if isinstance(value, BaseModel):
        # Fields and extras straight from the instance: a Message has some eighty fields, nearly all
        # None, and this runs for every update (a text message: about 30 µs this way, 430 µs
        # through pydantic's own iteration).
        items: Iterable[tuple[str, Any]] = value.__dict__.items()
        if value.__pydantic_extra__:
            items = [*items, *value.__pydantic_extra__.items()]
        changes = {
            name: new
            for name, item in items
            if type(item) not in _NOTHING_TO_CLEAN and (new := cleaned(item)) is not item
        }
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, list | tuple):
        news = [cleaned(item) for item in value]
        changed = any(new is not old for new, old in zip(news, value, strict=True))
        return type(value)(news) if changed else value
    if isinstance(value, dict):
        pairs = {key: cleaned(item) for key, item in value.items()}  # keys are Telegram's field names
        return pairs if any(new is not value[key] for key, new in pairs.items()) else value
    return value


_NOTHING_TO_CLEAN = frozenset({type(None), bool, int, float, datetime})


class CleaningDispatcher(Dispatcher):
    """The Dispatcher whose one entry point cleans the update first."""

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        clean = cleaned(update)
        if clean is not update:
            log.info("update %s: NUL or lone surrogates removed from its text", update.update_id)
            kwargs[CLEANED] = True
        return await super().feed_update(bot, clean, **kwargs)


class SayWhatWasCleaned(BaseMiddleware):
    """Tells the person, before the handler answers, that invisible characters were taken out of
    what they wrote. For messages only: a button's data is the bot's own, not something they typed."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        chat: Chat | None = data.get("event_chat")
        if data.get(CLEANED) and chat is not None and (event.message or event.edited_message):
            bot: Bot = data["bot"]
            t: Translator = data["t"]
            await deliver(lambda: bot.send_message(chat.id, t("input.cleaned")), what="cleaned-text note")
        return await handler(event, data)
