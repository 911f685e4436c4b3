"""`jingfu admin serve`: the back office's HTTP API alone, on ADMIN_HOST:ADMIN_PORT (127.0.0.1:8080);
farmers' photos are fetched through the Bot API when TELEGRAM_BOT_TOKEN is set.

`jingfu run` and `jingfu shell` serve the same API beside the bot (`api_beside`), in their process and
on their event loop, with the bot's own session factory.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from pydantic import ValidationError

from jingfu.cli.errors import CliError
from jingfu.settings import AdminSettings, load_admin_settings, load_bot_settings, load_database_settings

if TYPE_CHECKING:
    from admin_api.services import PhotoSource
    from bot.deps import BotDeps


def admin_settings() -> AdminSettings:
    try:
        return load_admin_settings()
    except ValidationError as exc:
        where = ", ".join(str(error["loc"][0]).upper() for error in exc.errors(include_input=False))
        raise CliError(f"{where}: ADMIN_HOST is a host name or address, ADMIN_PORT a port 0-65535") from None


@asynccontextmanager
async def telegram_photos() -> AsyncIterator[PhotoSource | None]:
    """Farmers' photos fetched through the Bot API with TELEGRAM_BOT_TOKEN (TELEGRAM_API_BASE too),
    on a client session of their own, closed after; None without a token (the API answers 503)."""
    from jingfu.cli.bot_token import checked_api_base, checked_token

    settings = load_bot_settings()
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value().strip():
        yield None
        return
    token, api_base = checked_token(settings), checked_api_base(settings)
    from bot.factory import create_bot
    from bot.photo_files import BotPhotos
    from bot.runner import telegram_session

    bot = create_bot(token, session=telegram_session(api_base))
    try:
        yield BotPhotos(bot)
    finally:
        await bot.session.close()


@asynccontextmanager
async def api_beside(deps: BotDeps, photos: PhotoSource | None) -> AsyncIterator[str]:
    """The API served beside the bot while the block runs; its URL. A port that cannot be bound
    raises admin_api.serve.PortInUse (the caller decides whether the bot may go on without it)."""
    from admin_api.serve import admin_app, serving

    settings = admin_settings()
    app = admin_app(
        deps.session_factory, clock=deps.clock, photos=photos, trust_proxy=settings.admin_trust_proxy
    )
    async with serving(app, settings.admin_host, settings.admin_port) as url:
        yield url


async def _serve(settings: AdminSettings) -> None:
    from admin_api.serve import PortInUse, serve_until_stopped, standalone_app
    from storage import migrate
    from storage.engine import UnsupportedDatabaseError, create_engine

    database = load_database_settings()
    await migrate.require_head(database.database_url)  # behind or foreign: one line now, not a 500 later
    try:
        engine = create_engine(database.database_url, echo=database.database_echo)
    except UnsupportedDatabaseError as exc:
        raise CliError(str(exc)) from None

    def ready(url: str) -> None:
        print(
            f"serving the back office API at {url}/api/v1 (documentation: {url}/api/docs;"
            f" console: {url}/console/)",
            flush=True,
        )

    try:
        async with telegram_photos() as photos:
            app = standalone_app(engine, photos, trust_proxy=settings.admin_trust_proxy)
            await serve_until_stopped(app, settings.admin_host, settings.admin_port, ready=ready)
    except PortInUse as exc:
        raise CliError(str(exc)) from None
    print("stopped", flush=True)


def _command(_args: argparse.Namespace) -> int:
    from jingfu.log_setup import configure_logging

    settings = admin_settings()
    token = load_bot_settings().telegram_bot_token
    # Failures are logged (problem+json tells the caller only that it failed); the bot token of the
    # photo fetches never is.
    configure_logging(secrets=[token.get_secret_value() if token else None])
    from admin_api.serve import run_server

    run_server(_serve(settings))
    return 0


def register_serve(admin_sub: argparse._SubParsersAction) -> None:
    serve = admin_sub.add_parser(
        "serve",
        help="serve the back office HTTP API (ADMIN_HOST:ADMIN_PORT, default 127.0.0.1:8080)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # A database without the schema: say which command the operator lacks.
    serve.set_defaults(func=_command, after_upgrade="`jingfu seed demo`")
