"""What bot.aiogram_internals does with aiogram's internals still works on the installed aiogram:
a router serves a second Dispatcher, and plain filters (a lambda, a router-level filter, the operands
of or_f / and_f / ~) run on the event loop's thread, not in aiogram's worker threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from aiogram import Dispatcher, F, Router
from aiogram.filters import and_f, or_f
from aiogram.types import Chat, Message, Update, User

from bot.aiogram_internals import detach, run_sync_filters_inline
from bot.factory import create_bot
from bot.offline_session import OfflineSession


def _update(text: str) -> Update:
    user = User(id=5, is_bot=False, first_name="王二牛")
    message = Message(
        message_id=1, date=datetime.now(UTC), chat=Chat(id=5, type="private"), from_user=user, text=text
    )
    return Update(update_id=1, message=message)


async def test_plain_filters_run_on_the_event_loop() -> None:
    loop_thread, seen = threading.get_ident(), []

    def noted(result: bool) -> Callable[[Message], bool]:
        def check(message: Message) -> bool:
            seen.append(threading.get_ident())
            return result

        return check

    router, answered = Router(), []
    router.message.filter(noted(True))  # router-level: aiogram keeps it on the observer

    @router.message(F.text, or_f(noted(False), noted(True)), and_f(noted(True), ~F.photo))
    async def answer(message: Message) -> None:
        answered.append(message.text)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    run_sync_filters_inline(dispatcher)
    await dispatcher.feed_update(create_bot("42:TEST", session=OfflineSession()), _update("叶子发黄"))
    assert answered == ["叶子发黄"]
    assert len(seen) == 4 and set(seen) == {loop_thread}


async def test_a_detached_router_serves_another_dispatcher() -> None:
    router, answered = Router(), []

    @router.message()
    async def answer(message: Message) -> None:
        answered.append(message.text)

    Dispatcher().include_router(router)
    detach(router)
    second = Dispatcher()
    second.include_router(router)
    await second.feed_update(create_bot("42:TEST", session=OfflineSession()), _update("第二个"))
    assert answered == ["第二个"]
