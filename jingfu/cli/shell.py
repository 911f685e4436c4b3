"""`jingfu shell`: play farmers and experts in the terminal against the real bot and database.

Nothing leaves the machine: the Bot API is answered in-process and every outgoing message is
printed. Reads stdin until EOF, so a whole conversation can be piped in as a script.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import OperationalError

from jingfu.cli.errors import CliError
from jingfu.settings import PROJECT_ROOT, load_database_settings, load_nlu_settings
from storage.engine import UnsupportedDatabaseError


async def _run(ansi: bool) -> None:
    from bot.terminal.app import run_terminal
    from bot.wiring import bot_deps

    async with bot_deps(load_database_settings(), load_nlu_settings()) as deps:
        await run_terminal(deps, ansi=ansi)


LOG_FILE = PROJECT_ROOT / "var" / "shell.log"


def _log_to_file(path: Path) -> None:
    """The terminal is the user's chat window: a failed update shows the bot's polite reply there,
    and the details (tracebacks included) go to the log file for whoever runs the demo."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def _command(args: argparse.Namespace) -> int:
    ansi = not args.no_color and sys.stdout.isatty()
    _log_to_file(LOG_FILE)
    print(f"(the bot's log, errors included, goes to {LOG_FILE})")
    try:
        asyncio.run(_run(ansi))
    except UnsupportedDatabaseError as exc:
        raise CliError(str(exc)) from None
    except OperationalError as exc:
        raise CliError(
            f"database not ready ({exc.orig}); run `jingfu db upgrade` and `jingfu seed demo`"
        ) from None
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "shell",
        help="talk to the bot in the terminal as demo farmers and experts (no Telegram)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--no-color", action="store_true", help="no ANSI bold, even on a terminal")
    parser.set_defaults(func=_command)
