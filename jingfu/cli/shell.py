"""`jingfu shell`: play farmers and experts in the terminal against the real bot and database.

Nothing leaves the machine: the Bot API is answered in-process and every outgoing message is
printed. Reads stdin until EOF, so a whole conversation can be piped in as a script. The back
office's HTTP API is served beside it (ADMIN_HOST:ADMIN_PORT), so a reviewer can work the queue with
curl while the farmer talks.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from jingfu.log_setup import configure_logging
from jingfu.settings import PROJECT_ROOT, load_database_settings, load_nlu_settings, load_redis_settings

if TYPE_CHECKING:
    from bot.deps import BotDeps

log = logging.getLogger(__name__)


async def _run(ansi: bool) -> None:
    from bot.factory import fsm_storage
    from bot.terminal.app import run_terminal
    from bot.terminal.kept_screen import KeptScreen
    from bot.terminal.state_file import FileStorage, state_file_for
    from bot.wiring import bot_deps, freeze_start_up_heap
    from dialogs import routers
    from jingfu.cli.preflight import ready_to_serve

    database = load_database_settings()
    redis_url = await ready_to_serve(database)  # before the first prompt, not at the first message
    # Forms survive leaving the shell, as a Telegram chat survives the bot: in Redis when the bot
    # is configured with it, otherwise in a file beside the database.
    state_file, mark = state_file_for(database.database_url, VAR)
    storage = fsm_storage(redis_url, load_redis_settings()) if redis_url else FileStorage(state_file, mark)
    # The buttons on screen are kept beside the forms: quitting half-way must not strand the user.
    kept = KeptScreen(state_file.with_name(state_file.name.replace("shell-state", "shell-screen")), mark)
    async with bot_deps(database, load_nlu_settings()) as deps, AsyncExitStack() as beside:
        freeze_start_up_heap()
        try:
            await _serve_the_api(beside, deps)
            await run_terminal(deps, routers(), ansi=ansi, storage=storage, kept=kept)
        finally:
            await storage.close()


async def _serve_the_api(stack: AsyncExitStack, deps: BotDeps) -> None:
    """The reviewers' API beside the shell, so the demo's reviewer approves over HTTP while the farmer
    talks. A port in use (another shell, `jingfu admin serve`) costs the demo only the API: said once
    here, before the conversation starts, and in the log; the shell goes on."""
    from admin_api.serve import PortInUse
    from bot.terminal.photos import TerminalPhotos
    from jingfu.cli.admin_serve import api_beside

    try:
        url = await stack.enter_async_context(api_beside(deps, TerminalPhotos()))
    except PortInUse as exc:
        log.warning("%s", exc)
        print(f"(not serving the back office API: {exc})")
        return
    print(f"(the back office API: {url}/api/v1, documentation at {url}/api/docs)")


VAR = PROJECT_ROOT / "var"
LOG_FILE = VAR / "shell.log"


def _log_to_file(path: Path) -> None:
    """The terminal is the user's chat window: a failed update shows the bot's polite reply there,
    and the details (tracebacks included) go to the log file for whoever runs the demo."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # No Bot API token here (the shell answers in-process), but the rest of jingfu.log_setup's
    # redaction holds for the file too.
    configure_logging(handlers=[logging.FileHandler(path, encoding="utf-8")])


def _command(args: argparse.Namespace) -> int:
    ansi = not args.no_color and sys.stdout.isatty()
    _log_to_file(LOG_FILE)
    print(f"(the bot's log, errors included, goes to {LOG_FILE})")
    asyncio.run(_run(ansi))  # a database that is down, behind or foreign: jingfu.cli.database_errors
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "shell",
        help="talk to the bot in the terminal as demo farmers and experts (no Telegram)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--no-color", action="store_true", help="no ANSI bold, even on a terminal")
    # A database without the schema or the demo data: both commands are what the newcomer lacks.
    parser.set_defaults(func=_command, after_upgrade="`jingfu seed demo`")
