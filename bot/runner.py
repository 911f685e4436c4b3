"""Long polling plus the background work the bot owes between updates.

Every 30 s: invitations nobody answered go back to the farmer, offers to parks nobody answered
expire, unrated services settle. Every second: the notifier sends the pushes the core recorded
(approval, invitation, thread messages, offers to parks and their outcomes), and approved advisories
go out to the farmers they concern. Every 2 s: the term lists, rebuilt into the screener when the
city changed them (bot.live_terms).
A failing round is logged and retried on the next tick — a database hiccup must not stop the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress

from aiogram import Bot, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseStorage

from bot.account_pushes import AccountPusher
from bot.advisory_sender import PER_SECOND, AdvisorySender
from bot.commands import register_commands
from bot.deps import BotDeps
from bot.factory import create_bot, create_dispatcher
from bot.live_terms import TERMS_EVERY_S, LiveTerms
from bot.notifier import Notifier
from bot.offer_pushes import OfferPusher
from bot.polling import serve
from bot.relay_retry import RelayRetry
from core import feedback, offers, requests

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 30.0
PUMP_EVERY_S = 1.0


async def sweep(deps: BotDeps) -> None:
    """Expire unanswered invitations and offers, auto-confirm unrated services, as of the deps' clock."""
    now = deps.clock()
    async with deps.uow() as uow:
        await requests.expire_invitations(uow, now=now)
    async with deps.uow() as uow:
        await offers.expire_offers(uow, now=now)
    async with deps.uow() as uow:
        await feedback.auto_confirm_due(uow, now=now)


def notifier_pump(
    bot: Bot, deps: BotDeps, *, advisories_per_second: float = PER_SECOND
) -> Callable[[], Awaitable[int]]:
    """Status pushes, offers, re-binding notices, conversation messages that waited for Telegram,
    then advisories: one pump, so the bot, the terminal and the tests run them alike.
    `advisories_per_second`: the pace of advisory copies (Telegram's flood limit; the tests' offline
    session has none)."""
    notifier, offer_pusher, accounts = Notifier(bot, deps), OfferPusher(bot, deps), AccountPusher(bot, deps)
    relays, sender = RelayRetry(bot, deps), AdvisorySender(bot, deps, per_second=advisories_per_second)
    started = False

    async def pump() -> int:
        nonlocal started
        if not started:  # a first start announces only the last day's records (bot.event_cursor)
            await notifier.start()
            await offer_pusher.start()
            await accounts.start()
            started = True
        pushed = await notifier.pump() + await offer_pusher.pump() + await accounts.pump()
        return pushed + await relays.pump() + await sender.pump()

    return pump


async def _every(seconds: float, work: Callable[[], Awaitable[object]], name: str) -> None:
    while True:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; retrying in %.0f s", name, seconds)
        await asyncio.sleep(seconds)


@asynccontextmanager
async def background(bot: Bot, deps: BotDeps) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(_every(SWEEP_EVERY_S, lambda: sweep(deps), "sweep"))]
    tasks.append(asyncio.create_task(_every(PUMP_EVERY_S, notifier_pump(bot, deps), "notifier")))
    tasks.append(asyncio.create_task(_every(TERMS_EVERY_S, LiveTerms(deps).refresh, "term lists")))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task


def telegram_session(api_base: str | None) -> AiohttpSession:
    if not api_base:
        return AiohttpSession()
    return AiohttpSession(api=TelegramAPIServer.from_base(api_base))


async def run_polling(
    token: str,
    deps: BotDeps,
    routers: Sequence[Router],
    *,
    api_base: str | None = None,
    storage: BaseStorage | None = None,
) -> None:
    """`routers`: the conversations (dialogs.routers); `storage`: their forms (bot.factory.fsm_storage),
    in memory when not given."""
    bot = create_bot(token, session=telegram_session(api_base))
    dispatcher = create_dispatcher(deps, routers, storage=storage)
    try:
        me = await bot.get_me()
        log.info("polling as @%s (%s)", me.username, api_base or "api.telegram.org")
        await register_commands(bot)
        async with background(bot, deps):
            # Not aiogram's start_polling: it acknowledges updates before handling them (bot.polling).
            await serve(dispatcher, bot)
    finally:
        await bot.session.close()
