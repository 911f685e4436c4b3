"""What a person is told when core refuses what they asked: one vocabulary for every handler.

A use case refuses by raising a core.errors exception; the person must learn why, in their language,
either as a pop-up over the button they pressed (an alert, gone once read) or as a message in the
chat (kept: amounts, what to do next). A feature states its refusals as a table, error class to
reply, and `Turn.refuse` (bot.turn) answers from it; an error the table does not name is not a
refusal the feature expects, so it goes on to the error handler (bot.middlewares.errors), which
answers from `EVERYWHERE` or with the generic apology.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from core.errors import InvalidInput
from render.i18n import Translator

# The reply, from the translator, the error refused and the handler's own fields (a request id);
# a coroutine's result when the text needs a lookup (where the request stands now).
Say = Callable[..., str | Awaitable[str]]
Keyboard = InlineKeyboardMarkup | ReplyKeyboardMarkup
# The keyboard sent with a message, from the translator and the same fields.
Keys = Callable[..., Keyboard]


class MessageGone(Exception):
    """The button pressed is on a message the bot can no longer see or edit (bot.turn)."""


class How(Enum):
    ALERT = "alert"  # a pop-up over the pressed button, gone once read
    MESSAGE = "message"  # a message in the chat, kept
    EDIT = "edit"  # the message the button is on becomes the reply (its buttons go)


@dataclass(frozen=True, slots=True)
class Refusal:
    say: Say
    how: How
    keyboard: Keys | None = None  # with a message only


def _said(say: str | Say) -> Say:
    if isinstance(say, str):
        return lambda t, _error, **fields: t(say, **fields)
    return say


def alert(say: str | Say) -> Refusal:
    """A pop-up over the button: `say` is a catalog key (filled with the handler's fields), or the
    text from (translator, error, **fields)."""
    return Refusal(_said(say), How.ALERT)


def message(say: str | Say, keyboard: Keys | None = None) -> Refusal:
    """A message in the chat, to keep: `say` as in `alert`; `keyboard` from (translator, **fields)."""
    return Refusal(_said(say), How.MESSAGE, keyboard)


def edit(say: str | Say) -> Refusal:
    """The pressed button's message, turned into the reply: `say` as in `alert`."""
    return Refusal(_said(say), How.EDIT)


def too_long_or(key: str) -> Say:
    """A text over its limit is told so (`too_long`), any other invalid one gets `key`: the
    question stays open either way."""
    return lambda t, error, **fields: too_long(error, t) or t(key, **fields)


ErrorClasses = type[Exception] | tuple[type[Exception], ...]


class Refusals:
    """A feature's refusals: the first rule whose error class matches answers (order them from the
    most particular)."""

    def __init__(self, *rules: tuple[ErrorClasses, Refusal]) -> None:
        self.rules = rules
        # Every class named, for `except table.errors`: a handler catches what it can tell.
        self.errors: tuple[type[Exception], ...] = tuple(
            c for classes, _ in rules for c in (classes if isinstance(classes, tuple) else (classes,))
        )

    def find(self, error: Exception) -> Refusal | None:
        for classes, refusal in self.rules:
            if isinstance(error, classes):
                return refusal
        return None


def too_long(error: Exception, t: Translator) -> str | None:
    """The reply to a text over a length limit, or None for any other error. It is the one refusal
    any handler can meet (a pasted article, a long caption or comment), and the user can act on it:
    the message is still theirs to shorten."""
    if isinstance(error, InvalidInput) and "limit" in error.details:
        return t("error.too_long", limit=error.details["limit"], length=error.details.get("length", "?"))
    return None


def everywhere(error: Exception, t: Translator) -> str | None:
    """What any handler's unexpected refusal tells the person (bot.middlewares.errors), or None
    for a failure, which gets the generic apology."""
    if isinstance(error, MessageGone):  # like any stale button
        return t("button.gone")
    return too_long(error, t)
