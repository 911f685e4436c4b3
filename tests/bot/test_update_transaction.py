"""The update's unit of work: the update id rides on the handler's first commit, never on half-done work.

The handlers here are stand-ins written for the test (a Cursor row is the simplest thing to write):
what matters is what the context middleware commits around them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import insert, select

from bot.deps import BotDeps
from bot.factory import create_bot
from bot.middlewares.context import ContextMiddleware
from bot.offline_session import OfflineSession
from jingfu.bot_app import create_dispatcher
from storage.models import Cursor, ProcessedUpdate
from storage.uow import UnitOfWork
from tests.bot.conftest import EXPERT, FARMER, FARMER_PHONE, OTHER_FARMER, OTHER_FARMER_PHONE
from tests.bot.harness import Harness, texts
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit

Work = Callable[[UnitOfWork], Awaitable[None]]


def _update(update_id: int) -> Update:
    user = User(id=FARMER, is_bot=False, first_name="王二牛")
    message = Message(
        message_id=update_id,
        date=datetime.now(UTC),
        chat=Chat(id=FARMER, type="private"),
        from_user=user,
        text="测试",
    )
    return Update(update_id=update_id, message=message)


async def _run(deps: BotDeps, work: Work, update_id: int = 1) -> list[int]:
    """Feed one update to a dispatcher whose only handler does `work`; how often the handler ran."""
    calls: list[int] = []
    router = Router()

    @router.message()
    async def handler(message: Message, uow: UnitOfWork) -> None:
        calls.append(message.message_id)
        await work(uow)

    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(ContextMiddleware(deps))
    dispatcher.include_router(router)
    bot = create_bot("42:TEST_TOKEN_FOR_THE_OFFLINE_SESSION_ONLY", session=OfflineSession())
    try:
        await dispatcher.feed_update(bot, _update(update_id))
    finally:
        await bot.session.close()
    return calls


async def _state(deps: BotDeps) -> tuple[list[str], list[int]]:
    async with deps.uow() as uow:
        cursors = (await uow.session.scalars(select(Cursor.name).order_by(Cursor.name))).all()
        updates = (await uow.session.scalars(select(ProcessedUpdate.update_id))).all()
    return list(cursors), list(updates)


def _write(name: str) -> Work:
    async def work(uow: UnitOfWork) -> None:
        uow.session.add(Cursor(name=name, position=1))
        await uow.flush()

    return work


async def test_a_committing_handler_records_the_update_in_its_own_commit(deps: BotDeps) -> None:
    async def work(uow: UnitOfWork) -> None:
        await _write("kept")(uow)
        await uow.commit()

    assert await _run(deps, work) == [1]
    assert await _state(deps) == (["kept"], [1])
    assert await _run(deps, work) == []  # the second delivery is dropped


async def test_a_handler_that_commits_nothing_leaves_only_the_update_id(deps: BotDeps) -> None:
    assert await _run(deps, _write("flushed, never committed")) == [1]
    assert await _state(deps) == ([], [1])
    assert await _run(deps, _write("again")) == []


async def test_a_failing_handler_has_its_uncommitted_work_rolled_back(deps: BotDeps) -> None:
    async def work(uow: UnitOfWork) -> None:
        await _write("half done")(uow)
        raise RuntimeError("the use case failed half-way")

    with pytest.raises(RuntimeError):
        await _run(deps, work)
    assert await _state(deps) == ([], [1])
    assert await _run(deps, work) == []  # handled (and answered by the error handler) once


async def test_a_failure_after_a_commit_keeps_the_commit_and_drops_the_rest(deps: BotDeps) -> None:
    async def work(uow: UnitOfWork) -> None:
        await _write("committed")(uow)
        await uow.commit()
        await _write("half done")(uow)
        raise RuntimeError("the second use case failed half-way")

    with pytest.raises(RuntimeError):
        await _run(deps, work)
    assert await _state(deps) == (["committed"], [1])


async def test_a_handler_that_rolls_back_then_commits_still_records_the_update(deps: BotDeps) -> None:
    # The rollback took the uncommitted update id with it; the later commit did not carry it.
    async def work(uow: UnitOfWork) -> None:
        await _write("dropped")(uow)
        await uow.rollback()
        await _write("kept")(uow)
        await uow.commit()

    assert await _run(deps, work) == [1]
    assert await _state(deps) == (["kept"], [1])
    assert await _run(deps, work) == []


async def test_a_handler_that_swallows_a_failure_commits_nothing_of_it(deps: BotDeps) -> None:
    async def work(uow: UnitOfWork) -> None:
        try:
            await _write("half done")(uow)
            raise RuntimeError("caught by the handler, which carries on")
        except RuntimeError:
            pass

    assert await _run(deps, work) == [1]
    assert await _state(deps) == ([], [1])


def test_every_filter_is_awaited_on_the_event_loop(deps: BotDeps) -> None:
    def observers(router: Router) -> Any:
        yield from router.observers.values()
        for sub_router in router.sub_routers:
            yield from observers(sub_router)

    def nested(event_filter: FilterObject) -> Any:
        # or_f / and_f / ~ wrap each operand in a FilterObject that aiogram calls on its own
        yield event_filter
        callback = event_filter.callback
        for inner in getattr(callback, "targets", ()) or filter(None, [getattr(callback, "target", None)]):
            yield from nested(inner)

    dispatcher = create_dispatcher(deps)
    handlers = [h for o in observers(dispatcher) for h in [*o.handlers, getattr(o, "_handler", None)] if h]
    filters = [inner for h in handlers for f in h.filters or () for inner in nested(f)]
    plain = [f.callback for f in filters if not f.awaitable]
    assert len(filters) > len([f for h in handlers for f in h.filters or ()])  # the nested ones are seen
    assert plain == []


# Before a call to Telegram: a transaction that only read is ended (its claim committed), so on SQLite
# the database's write lock is not held for the round trip; one with the handler's writes is not.


async def _run_replying(deps: BotDeps, before: Work, after: Work, session: OfflineSession) -> None:
    """Feed one update whose handler does `before`, replies, then does `after`."""
    router = Router()

    @router.message()
    async def handler(message: Message, uow: UnitOfWork) -> None:
        await before(uow)
        await message.answer("收到")
        await after(uow)

    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(ContextMiddleware(deps))
    dispatcher.include_router(router)
    bot = create_bot("42:TEST_TOKEN_FOR_THE_OFFLINE_SESSION_ONLY", session=session)
    await dispatcher.feed_update(bot, _update(1))


async def _read(uow: UnitOfWork) -> None:
    await uow.session.scalars(select(Cursor.name))


async def _nothing(uow: UnitOfWork) -> None:
    return None


class _Observed(OfflineSession):
    """Telegram's side of each call: what another unit of work sees at the moment a call arrives."""

    def __init__(self, deps: BotDeps) -> None:
        super().__init__()
        self.deps = deps
        self.seen: list[tuple[list[str], list[int]]] = []

    async def make_request(self, bot: Any, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        self.seen.append(await _state(self.deps))
        return await super().make_request(bot, method, timeout)


async def test_a_reading_handler_has_the_update_recorded_before_it_replies(deps: BotDeps) -> None:
    session = _Observed(deps)
    await _run_replying(deps, _read, _nothing, session)
    assert session.seen == [([], [1])]  # the claim was committed before the reply left
    assert await _state(deps) == ([], [1])
    assert await _run(deps, _nothing) == []  # the second delivery is still dropped


async def test_a_writing_handler_that_replies_first_still_commits_only_its_own_way(deps: BotDeps) -> None:
    async def fail(uow: UnitOfWork) -> None:
        raise RuntimeError("the use case failed after the reply")

    with pytest.raises(RuntimeError):
        await _run_replying(deps, _write("written, then a reply"), fail, OfflineSession())
    assert await _state(deps) == ([], [1])  # the reply did not commit the half-done work


async def test_a_core_insert_counts_as_work_in_progress(deps: BotDeps) -> None:
    async def insert_row(uow: UnitOfWork) -> None:
        await uow.session.execute(insert(Cursor).values(name="core insert", position=1))

    await _run_replying(deps, insert_row, _nothing, OfflineSession())
    assert await _state(deps) == ([], [1])  # never committed by the handler: rolled back


class _HeldSession(OfflineSession):
    """Telegram answering one chat's calls only when `release` is set."""

    def __init__(self, held_chat: int) -> None:
        super().__init__()
        self.held_chat = held_chat
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def make_request(self, bot: Any, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        if getattr(method, "chat_id", None) == self.held_chat:
            self.holding.set()
            await self.release.wait()
        return await super().make_request(bot, method, timeout)


async def test_a_slow_reply_to_one_farmer_does_not_hold_up_another(deps: BotDeps) -> None:
    # 💳 balance reads, then replies. While Telegram is slow to take the first farmer's reply, the
    # second farmer's balance is answered; on SQLite it used to wait for the first reply's round trip.
    held = _HeldSession(held_chat=0)
    harness = await Harness.build(deps, session=held)
    await harness.contact(FARMER, FARMER_PHONE)
    await harness.contact(OTHER_FARMER, OTHER_FARMER_PHONE)
    held.held_chat = FARMER
    first = asyncio.create_task(harness.say(FARMER, "/balance"))
    try:
        await asyncio.wait_for(held.holding.wait(), 10)
        second = await asyncio.wait_for(harness.say(OTHER_FARMER, "/balance"), 10)
        assert any("服务券余额" in line for line in texts(second, OTHER_FARMER))
        assert not first.done()  # the first farmer's reply is still on its way
    finally:
        held.release.set()
    assert any("服务券余额" in line for line in texts(await first, FARMER))


async def test_a_slow_push_does_not_hold_up_a_farmer(deps: BotDeps) -> None:
    # The notifier reads an event, then pushes it. While Telegram is slow to take the expert's
    # invitation, a farmer's balance is answered; on SQLite it used to wait for the push.
    held = _HeldSession(held_chat=0)
    harness = await Harness.build(deps, session=held)
    await bind_both(harness)
    request_id = await describe_and_submit(harness)
    await approve(harness, request_id)
    held.held_chat = EXPERT
    pushing = asyncio.create_task(harness.pump())
    try:
        await asyncio.wait_for(held.holding.wait(), 10)
        sent = await asyncio.wait_for(harness.say(FARMER, "/balance"), 10)
        assert any("服务券余额" in line for line in texts(sent, FARMER))
        assert not pushing.done()
    finally:
        held.release.set()
    assert any(f"新的服务邀请 #{request_id}" in line for line in texts(await pushing, EXPERT))
