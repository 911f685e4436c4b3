"""Sending to Telegram politely: wait when told to (429), give up on chats that blocked the bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ATTEMPTS = 3


async def attempt(send: Callable[[], Awaitable[T]], *, what: str) -> tuple[T | None, bool]:
    """Run `send`: (its result, False); (None, True) when the recipient blocked the bot, so trying
    again is pointless; (None, False) when the network failed every attempt, so a later try may work."""
    for number in range(1, MAX_ATTEMPTS + 1):
        try:
            return await send(), False
        except TelegramRetryAfter as exc:
            log.warning("flood control on %s: waiting %ss", what, exc.retry_after)
            await asyncio.sleep(exc.retry_after)
        except TelegramForbiddenError:
            log.info("%s: the user blocked the bot; not delivered", what)
            return None, True
        except TelegramNetworkError:
            log.warning("%s: network error (attempt %s/%s)", what, number, MAX_ATTEMPTS)
            await asyncio.sleep(number)
    return None, False


async def deliver(send: Callable[[], Awaitable[T]], *, what: str) -> T | None:
    """Run `send`; None when the recipient cannot be reached (blocked the bot, or the network failed)."""
    return (await attempt(send, what=what))[0]
