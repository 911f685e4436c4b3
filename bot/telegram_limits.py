"""The Bot API's own refusals, so that the offline session refuses what Telegram would refuse.

Tests and the terminal demo run the bot against `OfflineSession`, which cannot reach Telegram. A
fake that accepts anything hides the faults only the real API reports: a message over 4,096
characters, a caption over 1,024, a bare "<" in HTML (a farmer's "pH<7" in a relayed message), a
tag Telegram does not know, callback data over 64 bytes. Each of those is a message the user never
gets, in production only. `check` raises the same `TelegramBadRequest` the real API would, with
Telegram's wording, before the offline session records the request as sent.

Limits from the Bot API documentation (sendMessage, sendPhoto, answerCallbackQuery,
InlineKeyboardButton, createForumTopic, setMyCommands, "Formatting options → HTML style"). Lengths
are counted after entities are parsed, in UTF-16 code units, as Telegram counts entity offsets.
"""

from __future__ import annotations

import html
import re
from typing import Any

from aiogram.client.default import Default
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    CreateForumTopic,
    EditMessageText,
    SendMediaGroup,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200
MAX_TOPIC_NAME = 128
MAX_COMMAND_DESCRIPTION = 256
MAX_INLINE_BUTTONS = 100  # in one inline keyboard, all rows together

# The tags of Telegram's HTML style; anything else is refused, not shown as text.
_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji",
    "code", "pre", "blockquote",
}  # fmt: skip
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:#(\d+)|#x([0-9A-Fa-f]+)|([A-Za-z]+));")
_SPECIAL = re.compile(r"[<&]")


def _refuse(method: TelegramMethod[Any], description: str) -> TelegramBadRequest:
    return TelegramBadRequest(method=method, message=f"Bad Request: {description}")


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """The text Telegram shows for an HTML-style message; ValueError with Telegram's reason when it
    would refuse to parse it."""
    shown: list[str] = []
    open_tags: list[str] = []
    position = 0
    for special in _SPECIAL.finditer(markup):
        start = special.start()
        if start < position:  # inside a tag or entity already consumed
            continue
        shown.append(markup[position:start])
        offset = len(markup[:start].encode("utf-8"))
        if special.group() == "&":
            entity = _ENTITY.match(markup, start)
            if entity is None or (entity.group(3) and entity.group(3) not in _NAMED_ENTITIES):
                raise ValueError(f"can't parse entities: Unsupported HTML entity at byte offset {offset}")
            shown.append(html.unescape(entity.group()))
            position = entity.end()
            continue
        tag = _TAG.match(markup, start)
        if tag is None:
            raise ValueError(f'can\'t parse entities: Unsupported start tag "" at byte offset {offset}')
        closing, name = tag.group(1), tag.group(2).lower()
        if name not in _TAGS:
            raise ValueError(f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}')
        if closing:
            if not open_tags or open_tags[-1] != name:
                raise ValueError(
                    f'can\'t parse entities: Unexpected end tag "{name}" at byte offset {offset}'
                )
            open_tags.pop()
        else:
            open_tags.append(name)
        position = tag.end()
    shown.append(markup[position:])
    if open_tags:
        raise ValueError(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{open_tags[-1]}\""
        )
    return "".join(shown)


def _parse_mode(method: TelegramMethod[Any], default_parse_mode: str | None) -> str | None:
    mode = getattr(method, "parse_mode", None)
    return default_parse_mode if isinstance(mode, Default) else mode


def _formatted(method: TelegramMethod[Any], text: str, default_parse_mode: str | None) -> str:
    if (_parse_mode(method, default_parse_mode) or "").upper() != "HTML":
        return text
    try:
        return visible_text(text)
    except ValueError as exc:
        raise _refuse(method, str(exc)) from None


def _check_text(method: TelegramMethod[Any], default_parse_mode: str | None) -> None:
    text = getattr(method, "text", None)
    if not isinstance(method, SendMessage | EditMessageText) or text is None:
        return
    shown = _formatted(method, text, default_parse_mode)
    if not shown.strip():
        raise _refuse(method, "message text is empty")
    if _utf16_length(shown) > MAX_TEXT:
        raise _refuse(method, "message is too long")


def _check_caption(method: TelegramMethod[Any], caption: Any, default_parse_mode: str | None) -> None:
    if not isinstance(caption, str):
        return
    if _utf16_length(_formatted(method, caption, default_parse_mode)) > MAX_CAPTION:
        raise _refuse(method, "message caption is too long")


def _check_keyboard(method: TelegramMethod[Any]) -> None:
    markup = getattr(method, "reply_markup", None)
    if isinstance(markup, InlineKeyboardMarkup):
        if sum(map(len, markup.inline_keyboard)) > MAX_INLINE_BUTTONS:
            raise _refuse(method, "reply markup is too long")
        for row in markup.inline_keyboard:
            for button in row:
                if not button.text.strip():
                    raise _refuse(method, "BUTTON_TEXT_EMPTY")
                data = button.callback_data
                if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                    raise _refuse(method, "BUTTON_DATA_INVALID")
    elif isinstance(markup, ReplyKeyboardMarkup) and any(
        not button.text.strip() for row in markup.keyboard for button in row
    ):
        raise _refuse(method, "BUTTON_TEXT_EMPTY")


def check(method: TelegramMethod[Any], default_parse_mode: str | None = None) -> None:
    """Raise the TelegramBadRequest the Bot API would answer `method` with; None if it would accept it.

    `default_parse_mode` is the bot's (aiogram's DefaultBotProperties), used where the method leaves
    its parse mode to the default.
    """
    _check_text(method, default_parse_mode)
    if isinstance(method, SendMediaGroup):
        if not 2 <= len(method.media) <= 10:
            raise _refuse(method, "wrong number of media in the album (2 to 10)")
        for item in method.media:
            _check_caption(method, getattr(item, "caption", None), default_parse_mode)
    elif not isinstance(method, SendMessage | EditMessageText):
        _check_caption(method, getattr(method, "caption", None), default_parse_mode)
    _check_keyboard(method)
    if isinstance(method, AnswerCallbackQuery) and method.text and len(method.text) > MAX_CALLBACK_ANSWER:
        raise _refuse(method, "MESSAGE_TOO_LONG")
    if isinstance(method, CreateForumTopic) and not 1 <= len(method.name) <= MAX_TOPIC_NAME:
        raise _refuse(method, "TOPIC_NAME_INVALID")
    if isinstance(method, SetMyCommands):
        for command in method.commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.command):
                raise _refuse(method, "BOT_COMMAND_INVALID")
            if not 1 <= len(command.description) <= MAX_COMMAND_DESCRIPTION:
                raise _refuse(method, "BOT_COMMAND_DESCRIPTION_INVALID")
