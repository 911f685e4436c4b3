"""Sending to Telegram politely: wait when told to (429), give up on chats that blocked the bot."""

from __future__ import annotations

import asyncio
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
MAX_ATTEMPTS = 3
RETRY_PAUSE_S = 1.0  # times the attempt number, between attempts after a network error


async def attempt(send: Callable[[], Awaitable[T]], *, what: str) -> tuple[T | None, bool]:
    """Run `send`: (its result, False); (None, True) when the recipient blocked the bot, so trying
    again is pointless; (None, False) when the network or Telegram's servers failed every attempt,
    so a later try may work."""
    for number in range(1, MAX_ATTEMPTS + 1):
        try:
            return await send(), False
        except TelegramRetryAfter as exc:
            log.warning("flood control on %s: waiting %ss", what, exc.retry_after)
            await asyncio.sleep(exc.retry_after)
        except TelegramForbiddenError:
            log.info("%s: the user blocked the bot; not delivered", what)
            return None, True
        except (TelegramNetworkError, TelegramServerError) as exc:
            # A 5xx (Bad Gateway while Telegram restarts) is Telegram down just as a refused
            # connection is: neither says anything about the recipient or the message.
            log.warning("%s: %s (attempt %s/%s)", what, type(exc).__name__, number, MAX_ATTEMPTS)
            if number < MAX_ATTEMPTS:  # after the last attempt, waiting only delays the caller
                await asyncio.sleep(number * RETRY_PAUSE_S)
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
