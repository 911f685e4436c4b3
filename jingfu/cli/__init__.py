"""The `jingfu` console script: one parser, each subcommand group registered from its own module.

A subcommand module exposes ``register(subparsers)`` and sets ``func`` on its parser; ``func(args)``
returns an exit code (or None for 0). Expected failures raise :class:`CliError`, which becomes a
one-line message on stderr and exit code 2 — a user of the CLI never sees a traceback. A database
that is down, refuses us or has no schema is told the same way, whichever command met it
(`jingfu.cli.database_errors`).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from jingfu.cli.errors import CliError

# Each entry is a module under jingfu.cli with a register(subparsers) function, and its line in
# `jingfu --help`. Only the module of the command being run is imported: each brings the core, the
# database, Alembic, the screener or the bot with it, and a command's start-up is what its user waits
# for before anything happens (issue 21; tests/cli/test_startup.py keeps it so).
SUBCOMMAND_MODULES: dict[str, str] = {
    "db": "database migrations",
    "seed": "load data",
    "admin": "back-office administration",
    "screen": "screen texts from stdin for banned and sensitive terms (JSON lines out)",
    "nlu": "natural-language understanding (Rasa and embedded engines)",
    "review": "the review queues: requests (list, approve, reject) and advisories",
    "vouchers": "vouchers: close an ended budget year",
    "run": "run the Telegram bot (long polling)",
    "shell": "talk to the bot in the terminal as demo farmers and experts (no Telegram)",
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv` (default: the process's): the chosen command's own parser, and a line
    for each of the others, which are not imported."""
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((word for word in argv if not word.startswith("-")), None)
    parser = argparse.ArgumentParser(
        prog="jingfu",
        description="精服 jingfu — precision service platform (科技助力乡村振兴精准服务).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in SUBCOMMAND_MODULES.items():
        if importlib.util.find_spec(f"jingfu.cli.{name}") is None:
            continue  # a subcommand group not built yet is simply not offered
        if name == chosen:
            importlib.import_module(f"jingfu.cli.{name}").register(subparsers)
        else:
            subparsers.add_parser(name, help=summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        code = func(args)
    except CliError as exc:  # may quote what was typed or stored: escaped (render.terminal_text)
        from jingfu.log_setup import redact
        from render.terminal_text import one_line

        # and may quote a library's error naming the Bot API URL: redacted (jingfu.log_setup)
        print(f"jingfu: error: {one_line(redact(str(exc)))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `jingfu review list | head`: the reader has all it wanted
        sys.stderr.close()
        return 0
    except Exception as exc:
        message = _database_message(exc, args)
        if message is None:
            raise  # not the database's state: a bug, and its traceback is what fixes it
        from jingfu.log_setup import redact
        from render.terminal_text import one_line

        print(f"jingfu: error: {one_line(redact(message))}", file=sys.stderr)
        return 2
    return int(code or 0)


def _database_message(exc: Exception, args: argparse.Namespace) -> str | None:
    from jingfu.cli.database_errors import database_failure
    from jingfu.settings import load_database_settings

    try:
        url = load_database_settings().database_url
    except Exception:  # the settings themselves are broken: the original error says more
        return None
    return database_failure(exc, url, after_upgrade=getattr(args, "after_upgrade", ""))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
