"""Things happening at once: five taps on one button, a farmer's cancel against a reviewer's approval.

Each tap is a separate update; aiogram ran them side by side, each reading the conversation state
before any wrote it, and one "🆕 这是一个新问题" made five drafts. A farmer's cancel and a reviewer's
approval (the review CLI, another process) crossing each other left the farmer reading
"✅ 已通过审核" last for a request that ended cancelled.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram.types import CallbackQuery, Chat, Message, Update
from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.factory import create_dispatcher, fsm_storage
from dialogs.callbacks import WaitingCb
from storage.enums import RequestStatus
from storage.models import ServiceRequest
from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, alerts, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit

REDIS_URL = "redis://127.0.0.1:6379/0"


class Distant(BaseStorage):
    """A storage a slow network hop away (50 ms a read or write of the conversation state), so the
    taps' updates overlap as they did for the farmer; on this machine's loopback the first tap was
    often through before the others had their database connection, which hid the race."""

    def __init__(self, inner: BaseStorage, hop_s: float = 0.05) -> None:
        self.inner, self.hop_s = inner, hop_s
        self.isolation: BaseEventIsolation | None = None

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await asyncio.sleep(self.hop_s)
        await self.inner.set_state(key, state)

    async def get_state(self, key: StorageKey) -> str | None:
        await asyncio.sleep(self.hop_s)
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await asyncio.sleep(self.hop_s)
        await self.inner.set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        await asyncio.sleep(self.hop_s)
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()


@pytest.fixture(params=["memory", "redis"])
async def storage(request: pytest.FixtureRequest) -> AsyncIterator[BaseStorage]:
    if request.param == "memory":
        yield Distant(MemoryStorage())
        return
    redis = fsm_storage(REDIS_URL)
    # This run's keys only: the Redis server is shared with whatever else runs on the machine.
    redis.key_builder.prefix = f"jingfu-test-{uuid.uuid4().hex}"  # type: ignore[attr-defined]
    assert isinstance(redis, RedisStorage)
    distant = Distant(redis)
    distant.isolation = redis.create_isolation()  # what the factory gives a RedisStorage
    yield distant
    await redis.close()


def _tap(h: Harness, data: str) -> Update:
    query = CallbackQuery(
        id=str(next(h._update_ids)),
        from_user=h.user(FARMER),
        chat_instance="ci",
        data=data,
        message=Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=FARMER, type="private")),
    )
    return Update(update_id=next(h._update_ids), callback_query=query)


async def _drafts(h: Harness) -> int:
    async with h.deps.uow() as uow:
        count = await uow.session.scalar(
            select(func.count())
            .select_from(ServiceRequest)
            .where(ServiceRequest.status == RequestStatus.draft)
        )
    return int(count or 0)


async def test_five_taps_on_new_problem_make_one_draft(deps: BotDeps, storage: BaseStorage) -> None:
    h = await Harness.build(deps, storage=storage)
    if isinstance(storage, Distant) and storage.isolation is not None:
        h.dispatcher.fsm.events_isolation = storage.isolation
    try:
        await bind_both(h)
        request_id = await describe_and_submit(h)
        await h.say(FARMER, "我家玉米叶子上有红色的斑点，种了50亩")
        before = await _drafts(h)
        new = WaitingCb(request_id=request_id, action="new").pack()
        h.session.take()
        await asyncio.gather(*(h.dispatcher.feed_update(h.bot, _tap(h, new)) for _ in range(5)))
        answered = h.session.take()
        assert await _drafts(h) == before + 1
        assert texts(answered).count("好的，按新问题处理。") == 1
        assert alerts(answered) == ["这个按钮已失效，请从菜单重新开始。"] * 4
    finally:
        await h.bot.session.close()


async def test_with_redis_one_chat_s_updates_take_turns_across_processes(deps: BotDeps) -> None:
    storage = fsm_storage(REDIS_URL)
    dispatcher = create_dispatcher(deps, storage=storage)
    assert isinstance(dispatcher.fsm.events_isolation, RedisEventIsolation)
    await storage.close()
