"""Outgoing Bot API calls as terminal text: HTML reduced to plain text, keyboards as numbered buttons."""

from __future__ import annotations

import html
import re
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendLocation,
    SendMediaGroup,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardMarkup, InputFile, ReplyKeyboardMarkup, ReplyKeyboardRemove

from render.terminal_text import lines, one_line

BOLD, RESET = "\033[1m", "\033[0m"
_BOLD_TAGS = re.compile(r"<(/?)(?:b|strong)\b[^>]*>", re.IGNORECASE)
_LINE_TAGS = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]+>")
# Calls that change nothing a user would see.
SILENT = frozenset({"SetMyCommands", "SendChatAction", "GetMe", "DeleteMyCommands", "SetChatMenuButton"})

Keyboard = InlineKeyboardMarkup | ReplyKeyboardMarkup


def plain_text(text: str, *, ansi: bool = True) -> str:
    """Telegram HTML as the terminal shows it: tags gone, entities decoded, bold kept as ANSI bold.

    The text holds what people wrote (a farmer's description, an expert's reply): its control
    characters, raw or as entities such as `&#27;`, are shown escaped, and the only escape sequences
    reaching the terminal are our own bold."""
    parts = _BOLD_TAGS.split(_LINE_TAGS.sub("\n", text))  # text, tag's "/" or "", text, …
    return "".join(
        lines(html.unescape(_ANY_TAG.sub("", part)))
        if index % 2 == 0
        else (RESET if part else BOLD)
        if ansi
        else ""
        for index, part in enumerate(parts)
    )


def buttons(markup: Keyboard) -> list[Any]:
    rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else markup.keyboard
    return [button for row in rows for button in row]


def keyboard_lines(markup: Keyboard) -> list[str]:
    """One line a keyboard row, buttons numbered across the whole keyboard as the user presses them."""
    rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else markup.keyboard
    lines, number = [], 0
    for row in rows:
        cells = []
        for button in row:
            number += 1
            label = one_line(button if isinstance(button, str) else button.text)
            if getattr(button, "request_contact", False) and "📱" not in label:
                label += " 📱"
            elif url := getattr(button, "url", None):
                label += f" → {one_line(url)}"
            cells.append(f"[{number}] {label}")
        lines.append("  ".join(cells))
    return lines


def _file(value: Any) -> str:
    return "uploaded file" if isinstance(value, InputFile) else str(value)


def _media(method: TelegramMethod[Any]) -> list[str]:
    if isinstance(method, SendMediaGroup):
        return [f"[{item.type} {_file(item.media)}]" for item in method.media]
    if isinstance(method, SendLocation):
        return [f"[location {method.latitude}, {method.longitude}]"]
    for kind in ("photo", "voice", "document", "video", "video_note", "audio"):
        value = getattr(method, kind, None)
        if value is not None:
            return [f"[{kind} {_file(value)}]"]
    return []


def render(method: TelegramMethod[Any], recipient: str, *, ansi: bool = True) -> str | None:
    """The lines a terminal shows for one Bot API call, or None for calls nobody would see."""
    name = type(method).__name__
    if name in SILENT:
        return None
    if isinstance(method, AnswerCallbackQuery):
        return f"  ({plain_text(method.text, ansi=ansi)})" if method.text else None
    head = f"── {recipient}" + (
        " (edited)" if isinstance(method, EditMessageText | EditMessageReplyMarkup) else ""
    )
    lines = [head]
    lines += _media(method)
    text = getattr(method, "text", None) if isinstance(method, SendMessage | EditMessageText) else None
    text = text or getattr(method, "caption", None)
    if text:
        lines.append(plain_text(text, ansi=ansi))
    markup = getattr(method, "reply_markup", None)
    if isinstance(markup, InlineKeyboardMarkup | ReplyKeyboardMarkup):
        lines += keyboard_lines(markup)
    elif isinstance(markup, ReplyKeyboardRemove):
        lines.append("(keyboard closed)")
    if len(lines) == 1 and not isinstance(method, EditMessageReplyMarkup):
        lines.append(f"[{name}]")
    return "\n".join(lines)
