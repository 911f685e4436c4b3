"""A database that is down, refuses us, lacks the schema or is behind: one line, exit code 2, any command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from jingfu.cli.database_errors import database_failure

REPO_ROOT = Path(__file__).resolve().parents[2]
PG_TEST_URL = os.environ.get("PG_TEST_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
TOKEN = "123456:" + "A" * 35
COMMANDS = [
    ("review", "list"),
    ("review", "approve", "1"),
    ("seed", "demo"),
    ("db", "upgrade"),
    ("admin", "create-token", "--role", "city_bureau"),
    ("shell", "--no-color"),
    ("run",),
]


def _jingfu(args: tuple[str, ...], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_", "REDIS_"))}
    # The Bot API address is closed too: were the database not checked first, `run` would complain
    # about Telegram instead.
    env |= {"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": _closed_url()}
    return subprocess.run(
        [sys.executable, "-m", "jingfu", *args],
        input="/start\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _closed_url() -> str:
    return f"http://127.0.0.1:{_closed_port()}"


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_server_nobody_listens_on_is_named(args: tuple[str, ...], tmp_path: Path) -> None:
    port = _closed_port()
    line = _one_line(_jingfu(args, f"postgresql://postgres:s3cret@127.0.0.1:{port}/jingfu", tmp_path))
    assert f"cannot reach the database at 127.0.0.1:{port}/jingfu" in line
    assert "DATABASE_URL" in line and "s3cret" not in line


@pytest.mark.parametrize("args", [("review", "list"), ("db", "upgrade"), ("run",)], ids=" ".join)
def test_a_database_the_server_does_not_have_is_named(args: tuple[str, ...], tmp_path: Path) -> None:
    missing = make_url(PG_TEST_URL).set(database="jingfu_no_such_database")
    line = _one_line(_jingfu(args, missing.render_as_string(hide_password=False), tmp_path))
    assert 'database "jingfu_no_such_database" does not exist' in line and "DATABASE_URL" in line


def test_run_refuses_a_schema_behind_the_code(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    assert _jingfu(("db", "upgrade", "0001"), url, tmp_path).returncode == 0
    line = _one_line(_jingfu(("run",), url, tmp_path))
    assert "at revision 0001" in line and "jingfu db upgrade" in line


@pytest.mark.parametrize("args", [("run",), ("shell", "--no-color")], ids=" ".join)
def test_an_empty_database_says_what_to_run(args: tuple[str, ...], tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    line = _one_line(_jingfu(args, f"sqlite+aiosqlite:///{empty}", tmp_path))
    assert "not migrated" in line and "jingfu db upgrade" in line
    if args[0] == "shell":  # the newcomer's command: the demo data is missing too
        assert "jingfu seed demo" in line


@pytest.mark.parametrize(
    "args",
    [("review", "list"), ("review", "approve", "1"), ("seed", "demo"), ("run",), ("shell", "--no-color")],
    ids=" ".join,
)
def test_a_missing_sqlite_file_is_named_and_not_created(args: tuple[str, ...], tmp_path: Path) -> None:
    # Opening it used to create an empty file, and the command then said "no such table".
    missing = tmp_path / "var" / "nowhere.sqlite3"
    line = _one_line(_jingfu(args, f"sqlite+aiosqlite:///{missing}", tmp_path))
    assert f"{missing} does not exist" in line and "jingfu db upgrade" in line
    assert not missing.exists()


async def test_a_missing_table_is_told_as_a_missing_migration(engine: AsyncEngine, database_url: str) -> None:
    # SQLite says "no such table", PostgreSQL 'relation … does not exist' (and a different exception).
    with pytest.raises(Exception) as raised:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT * FROM jingfu_not_migrated_yet"))
    message = database_failure(raised.value, database_url)
    assert message is not None and message.startswith("database not ready") and "jingfu db upgrade" in message


def test_other_errors_are_not_disguised() -> None:
    assert database_failure(ValueError("a bug"), "sqlite+aiosqlite:///x.sqlite3") is None
