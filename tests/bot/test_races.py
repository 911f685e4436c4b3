"""Things happening at once: five taps on one button, a farmer's cancel against a reviewer's approval.

Each tap is a separate update; aiogram ran them side by side, each reading the conversation state
before any wrote it, and one "🆕 这是一个新问题" made five drafts. A farmer's cancel and a reviewer's
approval (the review CLI, another process) crossing each other left the farmer reading
"✅ 已通过审核" last for a request that ended cancelled.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, Update
from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.factory import fsm_storage
from core import ledger, requests, review
from core.actors import Actor
from core.budget import budget_year
from core.errors import IllegalTransition
from core.scope import CITY_SYSTEM
from jingfu.bot_app import create_dispatcher
from jingfu.settings import RedisSettings
from render.callbacks import InviteCb, RequestCb, WaitingCb
from storage.enums import LedgerKind, RequestStatus, ServiceMode
from storage.models import Expert, Farmer, LedgerEntry, ServiceRequest
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, alerts, texts
from tests.bot.test_expert_side import _in_service
from tests.bot.test_farmer_story import PROBLEM, approve, bind_both, describe_and_submit

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
    redis = fsm_storage(REDIS_URL, RedisSettings())
    # This run's keys only: the Redis server is shared with whatever else runs on the machine.
    redis.key_builder.prefix = f"jingfu-test-{uuid.uuid4().hex}"  # type: ignore[attr-defined]
    assert isinstance(redis, RedisStorage)
    distant = Distant(redis)
    distant.isolation = redis.create_isolation()  # what the factory gives a RedisStorage
    yield distant
    await redis.close()


def _tap(h: Harness, data: str, user_id: int = FARMER) -> Update:
    query = CallbackQuery(
        id=str(next(h._update_ids)),
        from_user=h.user(user_id),
        chat_instance="ci",
        data=data,
        message=Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=user_id, type="private")),
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
        await h.say(FARMER, "另一块地的葵花叶子上有红色的斑点，种了50亩")
        before = await _drafts(h)
        new = WaitingCb(request_id=request_id, action="new").pack()
        h.session.take()
        await asyncio.gather(*(h.dispatcher.feed_update(h.bot, _tap(h, new)) for _ in range(5)))
        answered = h.session.take()
        assert await _drafts(h) == before + 1
        assert texts(answered).count("好的，按新问题处理。") == 1
        assert alerts(answered) == ["这条消息已经处理过了。还有要补充或新的问题，直接发送即可。"] * 4
    finally:
        await h.bot.session.close()


async def test_with_redis_one_chat_s_updates_take_turns_across_processes(deps: BotDeps) -> None:
    storage = fsm_storage(REDIS_URL, RedisSettings())
    dispatcher = create_dispatcher(deps, storage=storage)
    assert isinstance(dispatcher.fsm.events_isolation, RedisEventIsolation)
    await storage.close()


PAIRS = 20


async def _pending_requests(h: Harness, count: int) -> list[int]:
    """`count` requests of the farmer waiting for review, each holding its fee (vouchers enough)."""
    await bind_both(h)
    now = h.deps.clock()
    async with h.deps.uow() as uow:
        farmer = await uow.session.scalar(select(Farmer).where(Farmer.telegram_user_id == FARMER))
        expert = await uow.session.scalar(select(Expert).where(Expert.telegram_user_id == EXPERT))
        assert farmer is not None and expert is not None
        account = await ledger.get_account(uow, farmer.service_object_id, budget_year(now))
        await ledger.issue(uow, account, count * 100_00, Actor.system(), note="enough for the race")
        await uow.commit()
        ids = []
        for _ in range(count):
            draft = await requests.create_draft(
                uow, farmer.id, description=PROBLEM, subject="向日葵", specialty_code="plant_protection"
            )
            await requests.submit(
                uow, draft.id, farmer.id, expert_id=expert.id, mode=ServiceMode.online, now=now
            )
            ids.append(draft.id)
    await h.pump()
    return ids


async def _approve(h: Harness, request_id: int) -> None:
    """The reviewer's approval, from the review CLI: another process, its own session."""
    async with h.deps.uow() as uow:
        await review.approve(uow, request_id, CITY_SYSTEM, via="cli", now=h.deps.clock())


def _last_about(methods: list[TelegramMethod[Any]], chat_id: int, request_id: int) -> str | None:
    about = [text for text in texts(methods, chat_id) if re.search(rf"#{request_id}(?!\d)", text)]
    return about[-1] if about else None


async def test_cancel_and_approve_at_once_leave_one_story_and_the_farmer_reads_the_end(
    harness: Harness,
) -> None:
    h = harness
    ids = await _pending_requests(h, PAIRS)
    h.session.take()
    cancels = [
        h.dispatcher.feed_update(h.bot, _tap(h, RequestCb(request_id=rid, action="cancel_yes").pack()))
        for rid in ids
    ]
    approvals = [_approve(h, rid) for rid in ids]
    outcomes = await asyncio.gather(*cancels, *approvals, return_exceptions=True)
    refused = [o for o in outcomes[PAIRS:] if isinstance(o, BaseException)]
    assert all(isinstance(o, IllegalTransition) for o in refused), refused  # the CLI prints these
    seen = h.session.take() + await h.pump()

    async with h.deps.uow() as uow:
        for rid in ids:
            request = await uow.session.get(ServiceRequest, rid)
            assert request is not None
            events = await requests.history(uow, rid)
            # One story: each event starts where the one before ended, and ends where the request is.
            chain = [(e.from_status, e.to_status) for e in events]
            assert all(a[1] == b[0] for a, b in itertools.pairwise(chain)), chain
            assert chain[-1][1] == request.status == RequestStatus.cancelled
            actions = [e.action for e in events if e.action in ("approve", "cancel")]
            assert actions in (["cancel"], ["approve", "cancel"]), actions  # never two from one state
            assert (await ledger.held_for_request(uow, rid))[1] == 0
            releases = await uow.session.scalar(
                select(func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.request_id == rid, LedgerEntry.kind == LedgerKind.release)
            )
            assert releases == 1
            # What the farmer reads last about it is what became of it.
            assert _last_about(seen, FARMER, rid) == f"请求 #{rid} 已取消，冻结的服务券已退回。"
            told_expert = _last_about(seen, EXPERT, rid)
            assert told_expert is None or told_expert == f"农户已取消请求 #{rid}。", told_expert
        account_id = (await ledger.held_for_request(uow, ids[0]))[0]
        assert account_id is not None and await ledger.reconcile(uow, account_id)


async def test_a_cancel_that_lost_says_where_the_request_stands(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)  # the expert accepted first
    sent = await h.press(FARMER, RequestCb(request_id=request_id, action="cancel_yes").pack())
    assert alerts(sent) == [f"请求 #{request_id} 现在是「服务中」，不能这样操作了。"]


async def test_the_expert_s_accept_and_the_farmer_s_cancel_at_once(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    h.session.take()
    cancel = _tap(h, RequestCb(request_id=request_id, action="cancel_yes").pack())
    accept = _tap(h, InviteCb(request_id=request_id, action="accept").pack(), user_id=EXPERT)
    await asyncio.gather(*(h.dispatcher.feed_update(h.bot, update) for update in (cancel, accept)))
    seen = h.session.take() + await h.pump()
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None
        actions = [e.action for e in await requests.history(uow, request_id)]
    farmer_read = [*texts(seen, FARMER), *alerts([m for m in seen if getattr(m, "show_alert", False)])]
    if request.status is RequestStatus.cancelled:
        assert actions[-1] == "cancel" and "accept" not in actions
        assert _last_about(seen, FARMER, request_id) == f"请求 #{request_id} 已取消，冻结的服务券已退回。"
    else:
        assert request.status is RequestStatus.in_service and "cancel" not in actions
        assert f"请求 #{request_id} 现在是「服务中」，不能这样操作了。" in farmer_read
        assert "王建国" in (_last_about(seen, FARMER, request_id) or "")  # the accepted push
