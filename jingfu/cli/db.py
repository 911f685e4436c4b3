"""`jingfu db upgrade|downgrade`: Alembic migrations from anywhere, no alembic.ini needed."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Coroutine

from alembic.util.exc import CommandError

from jingfu.cli.errors import CliError
from jingfu.settings import load_database_settings
from storage import migrate
from storage.engine import UnsupportedDatabaseError


def _url() -> str:
    url = load_database_settings().database_url
    try:
        migrate.alembic_config(url)
    except UnsupportedDatabaseError as exc:
        raise CliError(str(exc)) from None
    return url


def _migrate(url: str, step: Coroutine[None, None, None], revision: str) -> int:
    try:
        asyncio.run(step)
    except CommandError as exc:  # an unknown revision, or one not on the way from here
        known = ", ".join(["base", *migrate.revisions(url), "head"])
        raise CliError(f"{exc} (revisions: {known})") from None
    print(f"database at {revision}")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    url = _url()
    return _migrate(url, migrate.upgrade(url, args.revision), args.revision)


def _downgrade(args: argparse.Namespace) -> int:
    url = _url()
    return _migrate(url, migrate.downgrade(url, args.revision), args.revision)


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database migrations")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations (default: to head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=_upgrade)
    down = db_sub.add_parser("downgrade", help="revert migrations to REVISION (e.g. base)")
    down.add_argument("revision")
    down.set_defaults(func=_downgrade)
