"""Inline keyboards from (text, callback data) pairs: the one way render/ lays out its buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

Button = tuple[str, str]  # (text, packed callback data)


def _button(button: Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=button[0], callback_data=button[1])


def row(*buttons: Button) -> InlineKeyboardMarkup:
    """All side by side (Accept / Decline)."""
    return InlineKeyboardMarkup(inline_keyboard=[[_button(b) for b in buttons]])


def column(*buttons: Button) -> InlineKeyboardMarkup:
    """One a row (the rating's stars)."""
    return InlineKeyboardMarkup(inline_keyboard=[[_button(b)] for b in buttons])
