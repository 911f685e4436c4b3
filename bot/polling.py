"""Long polling that acknowledges an update only once it was handled.

Telegram forgets an update once getUpdates is called with an offset past it. aiogram's
`start_polling` moves the offset as soon as it has fetched a batch, before any update in it was
handled, so an update that met a database or Redis outage was answered "something went wrong" and
never seen again. Here a batch is handled first, then acknowledged up to (not past) the first update
kept for an outage (bot.outages); from there the batch is fetched again after a pause, until the
service is back. Updates after the kept one that were handled are not handled twice: this process
remembers them, and a restart finds their ids in `processed_updates` (bot.middlewares.context),
committed with what they changed.

A failure that is not an outage (a fault in the code or the input) is answered with the generic
error and acknowledged as before: it would fail the same way every time and must never hold the
queue. The sender of a kept update is told once that it is kept and will be handled.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

from aiogram import Bot, Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import ErrorEvent, Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.utils.backoff import Backoff, BackoffConfig

from render.i18n import Catalog

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 10
# After an outage the kept update is tried again within this many seconds of the service's return.
RETRY_BACKOFF = BackoffConfig(min_delay=0.5, max_delay=5.0, factor=1.5, jitter=0.1)


class KeptForRetry(Exception):
    """Raised by the error handler: this update met an outage and must not be acknowledged."""


@dataclass
class Redelivery:
    """The polling loop's memory of the updates it keeps, shared with the error handler and the
    context middleware: whose sender was told, which presses were kept (Telegram refuses a late
    answer to them), and whose claim was committed before the outage without the work."""

    told: set[int] = field(default_factory=set)  # update ids whose sender was told, until acknowledged
    presses: dict[str, tuple[int, int]] = field(default_factory=dict)  # query id → (update id, user id)
    claimed_alone: set[int] = field(default_factory=set)

    async def keep(self, event: ErrorEvent, bot: Bot, catalog: Catalog) -> NoReturn:
        update = event.update
        log.warning("update %s kept until the service is back: %r", update.update_id, event.exception)
        user = getattr(update.event, "from_user", None)
        if update.callback_query is not None and user is not None:
            self.presses[update.callback_query.id] = (update.update_id, user.id)
        if user is not None and update.update_id not in self.told:
            self.told.add(update.update_id)
            try:
                await bot.send_message(user.id, catalog.for_telegram_user(user)("error.kept"))
            except Exception:  # telling is a courtesy: the update is kept either way
                log.exception("could not tell user %s that update %s is kept", user.id, update.update_id)
        raise KeptForRetry(update.update_id) from event.exception

    def forget_below(self, offset: int) -> None:
        self.told = {update_id for update_id in self.told if update_id >= offset}
        self.presses = {q: (u, who) for q, (u, who) in self.presses.items() if u >= offset}
        self.claimed_alone = {update_id for update_id in self.claimed_alone if update_id >= offset}


class LateAnswers(BaseRequestMiddleware):
    """A kept press is handled seconds or minutes after it was made, and Telegram refuses to answer
    a press that old (or one answered already, before the outage hit): that refusal must not fail
    the update now that it can be handled. What the answer said is sent as a message instead."""

    def __init__(self, redelivery: Redelivery) -> None:
        self.redelivery = redelivery

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest:
            if (
                not isinstance(method, AnswerCallbackQuery)
                or method.callback_query_id not in self.redelivery.presses
            ):
                raise
        _, user_id = self.redelivery.presses[method.callback_query_id]
        if method.text:
            await bot.send_message(user_id, method.text)
        return Response[TelegramType](ok=True, result=cast(TelegramType, True))


def _sender(update: Update) -> Hashable:
    """Whose updates must be handled in order: one person's, or the update alone."""
    try:
        user = getattr(update.event, "from_user", None)
    except UpdateTypeLookupError:  # a kind of update this aiogram does not know: the dispatcher skips it
        user = None
    return ("user", user.id) if user is not None else ("update", update.update_id)


async def handle_batch(
    dispatcher: Dispatcher, bot: Bot, updates: list[Update], done: set[int], **data: Any
) -> int | None:
    """Handle `updates` (a person's in order, people side by side), skipping those in `done` and
    adding each handled one to it; the id of the first update kept for an outage, or None.
    A person's updates after their kept one are not tried: they would overtake it."""
    by_sender: dict[Hashable, list[Update]] = {}
    for update in updates:
        by_sender.setdefault(_sender(update), []).append(update)

    async def in_order(queue: list[Update]) -> int | None:
        for update in queue:
            if update.update_id in done:
                continue
            try:
                response = await dispatcher.feed_update(bot, update, **data)
                if isinstance(response, TelegramMethod):
                    await dispatcher.silent_call_request(bot, response)
            except KeptForRetry:
                return update.update_id
            except Exception:  # the error handler answers; this is its own failure, and it is let go
                log.exception("update %s failed outside the error handler", update.update_id)
            done.add(update.update_id)
        return None

    kept = [k for k in await asyncio.gather(*(in_order(q) for q in by_sender.values())) if k is not None]
    return min(kept) if kept else None


async def poll(
    dispatcher: Dispatcher,
    bot: Bot,
    *,
    timeout: int = POLL_TIMEOUT_S,  # noqa: ASYNC109 (the long-polling wait Telegram is asked for)
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep,
    **data: Any,
) -> None:
    """Fetch, handle and acknowledge updates until cancelled."""
    redelivery = Redelivery()
    bot.session.middleware(LateAnswers(redelivery))
    fetch = GetUpdates(timeout=timeout, allowed_updates=dispatcher.resolve_used_update_types())
    # The HTTP request must outlive the long poll it asks for.
    request_timeout = int((bot.session.timeout or 0) + timeout)
    fetch_backoff, retry_backoff = Backoff(RETRY_BACKOFF), Backoff(RETRY_BACKOFF)
    done: set[int] = set()
    while True:
        try:
            updates = await bot(fetch, request_timeout=request_timeout)
        except Exception as exc:  # Telegram unreachable: the loop must outlive it
            log.error("could not fetch updates (%s: %s); trying again", type(exc).__name__, exc)
            await pause(next(fetch_backoff))
            continue
        fetch_backoff.reset()
        if not updates:
            continue
        kept = await handle_batch(dispatcher, bot, updates, done, redelivery=redelivery, **data)
        fetch.offset = kept if kept is not None else updates[-1].update_id + 1
        done = {update_id for update_id in done if update_id >= fetch.offset}
        redelivery.forget_below(fetch.offset)
        if kept is None:
            retry_backoff.reset()
        else:
            await pause(next(retry_backoff))


async def serve(dispatcher: Dispatcher, bot: Bot, *, handle_signals: bool = True) -> None:
    """`poll` until SIGINT or SIGTERM (or cancelled), between the dispatcher's startup and shutdown
    hooks (shutdown closes the conversation-state storage). Updates being handled when it stops are
    not acknowledged: the next start gets them again, and skips those already handled."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    hooks = {**dispatcher.workflow_data, "dispatcher": dispatcher, "bot": bot}
    await dispatcher.emit_startup(**hooks)
    polling, stopping = asyncio.create_task(poll(dispatcher, bot)), asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (polling, stopping):
            task.cancel()
        await asyncio.gather(polling, stopping, return_exceptions=True)
        for signum in signals:
            loop.remove_signal_handler(signum)
        await dispatcher.emit_shutdown(**hooks)
    if not polling.cancelled() and polling.exception() is not None:
        raise polling.exception()  # type: ignore[misc]
