"""The composition root of the bot: deps from settings, a Dispatcher wired with every router."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation

from bot.aiogram_internals import run_sync_filters_inline
from bot.clean_input import CleaningDispatcher, SayWhatWasCleaned
from bot.deps import BotDeps
from bot.middlewares.context import ContextMiddleware
from bot.middlewares.errors import on_error
from bot.middlewares.private_only import PrivateChatsOnly
from bot.middlewares.reads_end_before_calls import EndReadsBeforeCalls
from bot.middlewares.retry_sends import RetryPolicy, RetrySends

if TYPE_CHECKING:
    from redis.asyncio import Redis


def create_dispatcher(
    deps: BotDeps,
    routers: Sequence[Router],
    *,
    storage: BaseStorage | None = None,
    isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    """A Dispatcher running `routers` (the conversations: dialogs.routers, put in by the caller, so
    this infrastructure never imports them). `isolation`: how one chat's updates wait for each other
    (default: `events_isolation(storage)`)."""
    storage = storage or MemoryStorage()
    # Text no database stores (NUL, lone surrogates) is cleaned as each update enters (bot.clean_input).
    dispatcher = CleaningDispatcher(
        storage=storage, events_isolation=isolation or events_isolation(storage), deps=deps
    )
    # Outer middlewares on `update`, so they see every kind of update: groups are turned away before
    # anything runs, then each update is de-duplicated and gets a context.
    dispatcher.update.outer_middleware(PrivateChatsOnly(deps))
    dispatcher.update.outer_middleware(ContextMiddleware(deps))
    dispatcher.update.outer_middleware(SayWhatWasCleaned())
    dispatcher.errors.register(on_error)
    for router in routers:
        dispatcher.include_router(router)
    run_sync_filters_inline(dispatcher)  # plain filters on the loop, not in threads: see there
    return dispatcher


class RedisPoolSettings(Protocol):
    """The pool's size and wait (jingfu.settings.RedisSettings, read by the caller)."""

    @property
    def redis_max_connections(self) -> int: ...

    @property
    def redis_pool_timeout_s(self) -> float: ...


def fsm_storage(redis_url: str | None, settings: RedisPoolSettings) -> BaseStorage:
    """Conversation state in Redis when configured, so a half-filled form survives a restart and
    several bot processes share it; in memory for the embedded default. `settings`: the pool's size.
    Closing the storage closes the pool (aiogram does it at
    shutdown); the per-chat locks use the storage's client (`events_isolation`)."""
    if redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage(redis=redis_client(redis_url, settings))
    return MemoryStorage()


def redis_client(url: str, settings: RedisPoolSettings) -> Redis:
    """A client on a blocking pool of `redis_max_connections`, for everything of the bot's in Redis.

    redis-py's default pool refuses a call outright ("Too many connections") once its connections
    are all in use: in bursts, one update in five failed that way. A blocking pool makes a call wait
    up to `redis_pool_timeout_s` for a connection instead. Size: an update holds one connection at
    a time, but holds it until its task runs again to read the answer, which on a busy event loop
    is as long as a round of every other update in flight: with fewer connections than updates in
    flight, waiters starved past the timeout (bench/bursts.py: 250 of 3,000 updates failed with 50
    connections for 300 updates in flight, none with 500). Connections are opened as needed.
    """
    from redis.asyncio import BlockingConnectionPool, Redis

    pool = BlockingConnectionPool.from_url(
        url, max_connections=settings.redis_max_connections, timeout=settings.redis_pool_timeout_s
    )
    return Redis(connection_pool=pool)


def events_isolation(storage: BaseStorage) -> BaseEventIsolation:
    """One update at a time per person and chat (aiogram's key: bot, chat, user), taken before the
    conversation state is read. Without it, five quick taps on one button run side by side, each
    reading the same state before any wrote it (five drafts from one "new problem" button).
    With Redis the lock is Redis's, on the storage's own connection pool, so several bot processes
    take turns too; in memory it holds within this process, which is all there is then."""
    from aiogram.fsm.storage.redis import RedisStorage

    if isinstance(storage, RedisStorage):
        return storage.create_isolation()
    return SimpleEventIsolation()


def create_bot(token: str, *, session: BaseSession | None = None, retry: RetryPolicy | None = None) -> Bot:
    """A Bot whose every call ends the current read-only transaction first, then is tried again
    while Telegram (not the request) fails: `retry` says how (bot.middlewares.retry_sends)."""
    bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    # Outermost first: the reads end before the first try, so no read holds SQLite's lock through
    # the pauses between tries.
    bot.session.middleware(EndReadsBeforeCalls())
    bot.session.middleware(RetrySends(retry))
    return bot
