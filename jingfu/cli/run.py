"""`jingfu run`: the Telegram bot by long polling, with its background sweeps and notifier, and the
back office's HTTP API beside it on ADMIN_HOST:ADMIN_PORT (a port in use: one line, exit 2).

TELEGRAM_BOT_TOKEN is required; TELEGRAM_API_BASE (e.g. http://127.0.0.1:8081) points the bot at a
self-hosted Bot API server instead of api.telegram.org.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from jingfu.cli.bot_token import checked_api_base, checked_token
from jingfu.cli.errors import CliError
from jingfu.log_setup import configure_logging
from jingfu.settings import (
    load_bot_settings,
    load_database_settings,
    load_nlu_settings,
    load_redis_settings,
)

log = logging.getLogger(__name__)


async def _run(token: str, api_base: str | None) -> None:
    from admin_api.serve import PortInUse
    from bot.factory import fsm_storage
    from bot.runner import run_polling
    from bot.wiring import bot_deps, freeze_start_up_heap
    from dialogs import routers
    from jingfu.cli.admin_serve import api_beside, telegram_photos
    from jingfu.cli.preflight import ready_to_serve  # Redis and Alembic: only for the bot's own command

    database = load_database_settings()
    redis_url = await ready_to_serve(database)
    async with bot_deps(database, load_nlu_settings()) as deps:
        freeze_start_up_heap()
        # The reviewers' API on the bot's loop and connection pool, listening before the first update.
        try:
            async with telegram_photos() as photos, api_beside(deps, photos) as url:
                log.info("back office API at %s/api/v1", url)
                storage = fsm_storage(redis_url, load_redis_settings())
                await run_polling(token, deps, routers(), api_base=api_base, storage=storage)
        except PortInUse as exc:  # a server must not run half: the operator frees the port or moves it
            raise CliError(str(exc)) from None


def _command(_args: argparse.Namespace) -> int:
    settings = load_bot_settings()
    token = checked_token(settings)
    api_base = checked_api_base(settings)
    # aiogram loads in seconds; imported here so the other `jingfu` commands do not pay for it.
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    # aiogram and aiohttp name the Bot API URL, token included, in their errors: redacted.
    configure_logging(secrets=[token])
    try:
        asyncio.run(_run(token, api_base))
    except TelegramUnauthorizedError:
        raise CliError(
            "Telegram refused TELEGRAM_BOT_TOKEN (unauthorized); check it with @BotFather"
        ) from None
    except TelegramNetworkError as exc:
        where = api_base or "api.telegram.org"
        raise CliError(
            f"cannot reach the Bot API at {where} ({exc.message}); check TELEGRAM_API_BASE"
        ) from None
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the Telegram bot (long polling)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=_command)
