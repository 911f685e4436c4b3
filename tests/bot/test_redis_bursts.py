"""A burst of updates with conversation state in Redis: none fails for want of a connection.

With REDIS_URL set, 766 of 3,900 updates in bursts failed with MaxConnectionsError: each storage
made its own redis-py pool, which refuses outright once its connections are all in use. The bot
now shares one blocking pool (a caller waits a moment for a free connection) between the forms
and the per-chat locks. Real Redis on this machine; this run's keys under a prefix of its own.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime

import pytest
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import Chat, Message, Update, User

from bot.deps import BotDeps
from bot.factory import fsm_storage
from jingfu.settings import RedisSettings
from tests.bot.harness import Harness, texts

REDIS_URL = "redis://127.0.0.1:6379/0"
BURST = 240
GENERIC = "抱歉，刚才出了点问题"


def _start(n: int) -> Update:
    user = User(id=7_000_000 + n, is_bot=False, first_name="新用户", language_code="zh-hans")
    message = Message(
        message_id=n,
        date=datetime.now(UTC),
        chat=Chat(id=user.id, type="private"),
        from_user=user,
        text="/start",
    )
    return Update(update_id=500_000 + n, message=message)


async def test_a_burst_of_updates_with_redis_state_all_succeed(
    deps: BotDeps, caplog: pytest.LogCaptureFixture
) -> None:
    storage = fsm_storage(REDIS_URL, RedisSettings())
    assert isinstance(storage, RedisStorage)
    storage.key_builder.prefix = f"jingfu-test-{uuid.uuid4().hex}"  # type: ignore[attr-defined]
    h = await Harness.build(deps, storage=storage)
    try:
        with caplog.at_level(logging.ERROR):
            await asyncio.gather(*(h.dispatcher.feed_update(h.bot, _start(n)) for n in range(BURST)))
        sent = h.session.take()
    finally:
        await h.dispatcher.emit_shutdown(bot=h.bot)  # closes the storage, and with it the pool
        await h.bot.session.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    answered = {m.chat_id for m in sent if not any(GENERIC in t for t in texts([m]))}  # type: ignore[attr-defined]
    assert len(answered) == BURST


async def test_the_pool_is_one_blocking_pool_sized_by_the_settings() -> None:
    storage = fsm_storage(REDIS_URL, RedisSettings(redis_max_connections=7, redis_pool_timeout_s=2.5))
    assert isinstance(storage, RedisStorage)
    pool = storage.redis.connection_pool
    try:
        assert (type(pool).__name__, pool.max_connections, pool.timeout) == ("BlockingConnectionPool", 7, 2.5)  # type: ignore[attr-defined]
        # The per-chat locks take their connections from the same pool.
        assert storage.create_isolation().redis is storage.redis
    finally:
        await storage.close()
