"""Every call to Telegram is tried again when Telegram, not the request, failed: a reply included.

With one try, one 429 or one 502 from Telegram would turn a reply (message.answer, query.answer, an
edit) into the generic error, and three in a row would leave the person with nothing. So the session
tries again, once for every call, replies and pushes alike, and bot.outbound only sorts what is left
after these tries (blocked recipient, or Telegram still unreachable).

What is tried again, and for how long:
- 429 Too Many Requests: wait the `retry_after` Telegram names, as long as the waits stay within
  `max_flood_wait_s` for the call; a longer wait is not waited here (a reply that late is worth less
  than the update's end, and a push is kept by its pump for the next round): the error is raised.
- 5xx and network failures (refused connection, timeout): `pauses` between the tries (about 10 s in
  all by default, five tries), then the error is raised.
- Nothing else: a 400 (bad request, message not modified), 403 (blocked), 404 or 409 says something
  about the request or the recipient that another try will not change.

Not retried here at all: getUpdates, which is the polling loop's own business (it has its own
back-off and must not sit in ours). answerCallbackQuery gets only short pauses: Telegram takes the
answer to a button press for a few seconds only, and the spinner on the person's button stops anyway.

Duplicates: a call that timed out may have reached Telegram, and a 5xx may come after Telegram acted.
Trying a sendMessage again then delivers it twice. That is accepted: a message seen twice is a small
nuisance, a message never seen (a farmer's answer, the expert's dose) is a lost word.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

# Pauses before the 2nd, 3rd… try after a 5xx or a network failure: five tries over about 10 s.
PAUSES_S = (0.5, 1.5, 3.0, 5.0)
# A button press: Telegram drops the query's answer window within seconds.
CALLBACK_PAUSES_S = (0.3, 1.0)
MAX_FLOOD_WAIT_S = 30.0  # the most a call waits on 429s, all its waits together


@dataclass(frozen=True)
class RetryPolicy:
    """How a call is tried again. Tests pass millisecond pauses and a sleep of their own."""

    pauses: Sequence[float] = PAUSES_S
    callback_pauses: Sequence[float] = CALLBACK_PAUSES_S
    max_flood_wait_s: float = MAX_FLOOD_WAIT_S
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, compare=False)

    def pauses_for(self, method: TelegramMethod[Any]) -> Sequence[float]:
        return self.callback_pauses if isinstance(method, AnswerCallbackQuery) else self.pauses


def _what(method: TelegramMethod[Any]) -> str:
    chat = getattr(method, "chat_id", None)
    return f"{method.__api_method__}" + (f" to chat {chat}" if chat is not None else "")


class RetrySends(BaseRequestMiddleware):
    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy or RetryPolicy()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ == GetUpdates.__api_method__:
            return await make_request(bot, method)
        pauses = self.policy.pauses_for(method)
        failures = 0  # 5xx and network failures so far
        waited = 0.0  # on 429s so far
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if waited + exc.retry_after > self.policy.max_flood_wait_s:
                    log.warning("%s: flood control asks %ss more; giving up", _what(method), exc.retry_after)
                    raise
                log.warning("%s: flood control, waiting %ss", _what(method), exc.retry_after)
                waited += exc.retry_after
                await self.policy.sleep(exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                # A 5xx (Bad Gateway while Telegram restarts) is Telegram down just as a refused
                # connection is: neither says anything about the recipient or the message.
                if failures >= len(pauses):
                    log.warning("%s: %s, try %s; giving up", _what(method), exc, failures + 1)
                    raise
                log.warning("%s: %s, try %s; trying again", _what(method), exc, failures + 1)
                await self.policy.sleep(pauses[failures])
                failures += 1
