"""The update's unit of work: the update id rides on the handler's first commit, never on half-done work.

The handlers here are stand-ins written for the test (a Cursor row is the simplest thing to write):
what matters is what the context middleware commits around them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import select

from bot.deps import BotDeps
from bot.factory import create_bot, create_dispatcher
from bot.middlewares.context import ContextMiddleware
from bot.offline_session import OfflineSession
from storage.models import Cursor, ProcessedUpdate
from storage.uow import UnitOfWork
from tests.bot.conftest import FARMER

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
