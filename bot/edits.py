"""Turning a message into another, as a button's answer: a second tap must not be an error.

Telegram delivers every tap, and a double tap (or a slow network and a second try) sends the same
callback twice. The first edit turns the message into its answer; the second asks Telegram for
exactly the same text and keyboard, which it refuses with "message is not modified". The message
already shows what the person asked for, so that refusal is the one edit failure to let pass.
"""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message


async def show(message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit `message` to `text` (and `reply_markup`; none removes the buttons)."""
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in exc.message:
            raise
