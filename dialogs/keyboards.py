"""Inline keyboards, built one way: buttons carry typed callback data (dialogs.callbacks), in rows.

Through aiogram's InlineKeyboardBuilder (aiogram's public API for it): it checks the buttons' type
and splits a row longer than Telegram's 8 buttons into rows. A keyboard's 100 buttons at the most
are the caller's to keep (dialogs.park_offers cuts its list).
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def keyboard(*rows: Iterable[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """The rows, top to bottom; an empty row (no "next page", say) is left out by the builder."""
    builder = InlineKeyboardBuilder()
    for row in rows:
        builder.row(*row)
    return builder.as_markup()


def column(buttons: Iterable[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """One button a row: a list to pick from (experts, requests, modes)."""
    return keyboard(*([b] for b in buttons))
