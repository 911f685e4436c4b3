"""Serving the back office's API: alone (`jingfu admin serve`) or beside the bot (`run`, `shell`).

Beside the bot the API shares the bot's event loop and session factory: one process, one pool of
database connections, and a reviewer's approval is seen by the bot's notifier on its next tick.
Alone, the app owns its engine and disposes of it when the server stops (aiohttp's cleanup_ctx).
"""

from __future__ import annotations

import asyncio
import errno
import gc
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices, PhotoSource
from storage.engine import create_session_factory
from storage.types import utcnow


class PortInUse(Exception):
    """ADMIN_HOST:ADMIN_PORT cannot be bound (another server holds it, or the address is not ours)."""


def admin_app(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    clock: Callable[[], datetime] = utcnow,
    photos: PhotoSource | None = None,
    trust_proxy: bool = False,
) -> web.Application:
    return create_admin_app(
        AdminServices(session_factory=session_factory, clock=clock, photos=photos, trust_proxy=trust_proxy)
    )


def standalone_app(
    engine: AsyncEngine, photos: PhotoSource | None = None, *, trust_proxy: bool = False
) -> web.Application:
    """The API owning `engine`: disposed when the server stops, after the last request finished."""
    app = admin_app(create_session_factory(engine), photos=photos, trust_proxy=trust_proxy)

    async def engine_lifetime(_app: web.Application) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app.cleanup_ctx.append(engine_lifetime)
    return app


def run_server(main: Coroutine[Any, Any, None]) -> None:
    """Run a server's whole life on uvloop where it is installed (not on Windows): its event loop and
    transports are C, and the API's busiest call spent a tenth of its CPU in asyncio's Python."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover (installed with jingfu wherever uvloop builds)
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


def settle_after_start_up() -> None:
    """What start-up built (the app, its routes and models, the OpenAPI document, SQLAlchemy's
    mappers) lives as long as the process: freeze it out of the garbage collector's reach, so its full
    collections, a pause for every request then in flight, walk only what requests leave behind."""
    gc.collect()
    gc.freeze()


def url_of(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


@asynccontextmanager
async def serving(app: web.Application, host: str, port: int) -> AsyncIterator[str]:
    """`app` listening on host:port while the block runs; its URL. No access log: beside the
    terminal shell a line per request would land between the conversation's messages, and the
    audit log already records every write with its actor."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            reason = "in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
            raise PortInUse(
                f"cannot serve the back office API on {host}:{port} ({reason}); "
                "set ADMIN_PORT (or ADMIN_HOST) to a free one"
            ) from None
        yield url_of(host, runner.addresses[0][1])  # the port bound: ADMIN_PORT=0 takes a free one
    finally:
        await runner.cleanup()


async def serve_until_stopped(
    app: web.Application, host: str, port: int, *, ready: Callable[[str], None]
) -> None:
    """Serve until SIGTERM or SIGINT, then finish the requests under way and clean up."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with serving(app, host, port) as url:
            settle_after_start_up()
            ready(url)
            await stop.wait()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            with suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(signum)
