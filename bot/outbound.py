"""Sending to Telegram from a sender that must know why a message did not go: blocked, or down.

Every call is already tried again by the session while Telegram fails (429, 5xx, network:
bot.middlewares.retry_sends), so what reaches this module is the outcome after those tries. One try
here: a second loop on top would multiply the waits (three rounds of five tries each).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


async def attempt(send: Callable[[], Awaitable[T]], *, what: str) -> tuple[T | None, bool]:
    """Run `send`: (its result, False); (None, True) when the recipient blocked the bot, so trying
    again is pointless; (None, False) when Telegram could not be reached (network, 5xx, or a flood
    wait longer than the session waits) after the session's tries, so a later try may work."""
    try:
        return await send(), False
    except TelegramForbiddenError:
        log.info("%s: the user blocked the bot; not delivered", what)
        return None, True
    except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
        log.warning("%s: Telegram unreachable (%s); not delivered now", what, type(exc).__name__)
        return None, False


async def deliver(send: Callable[[], Awaitable[T]], *, what: str) -> T | None:
    """Run `send`; None when the recipient cannot be reached (blocked the bot, or the network failed)."""
    return (await attempt(send, what=what))[0]


class TelegramUnreachable(Exception):
    """Every attempt failed on the network: Telegram, not the recipient. Try again later."""


async def deliver_or_defer(send: Callable[[], Awaitable[T]], *, what: str) -> T | None:
    """Run `send`; None when the recipient blocked the bot (trying again is pointless); raises
    TelegramUnreachable when the network failed, so that a sender working through a backlog (the
    notifier) keeps the message for its next round instead of dropping it."""
    sent, blocked = await attempt(send, what=what)
    if sent is None and not blocked:
        raise TelegramUnreachable(what)
    return sent
