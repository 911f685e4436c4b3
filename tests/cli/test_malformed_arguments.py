"""Malformed ids and URLs given to `jingfu`: one clear line, exit code 2, never a traceback.

`jingfu review approve 99999999999` reached PostgreSQL (int out of range for the INTEGER id column)
and ended in a traceback; `DATABASE_URL=garbage jingfu review list` in SQLAlchemy's ArgumentError.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, Integer

from jingfu.cli import main
from jingfu.cli.arguments import ROW_ID_MAX
from storage.models import Base

ID_COMMANDS = [
    ("review", "approve"),
    ("review", "reject", "--reason", "请补充照片"),
    ("review", "approve-advisory"),
    ("review", "reject-advisory", "--reason", "写明用药"),
]
BAD_IDS = [
    "",
    "-1",
    "0",
    "2147483648",
    "99999999999",
    "99999999999999999999",
    "abc",
    "1.5",
    "１２",
    "1_000",
    "0x10",
]
BAD_DATABASE_URLS = [
    "garbage",
    "",
    "://",
    "postgresql+asyncpg://postgres@127.0.0.1:notaport/jingfu",
    "postgresql+asyncpg://postgres@127.0.0.1:99999/jingfu",
    "postgresql+asyncpg://postgres@[::1/jingfu",
    "postgresql+asyncpg://",  # no database named: must not quietly pick the server's default one
    "postgresql+asyncpg://postgres@127.0.0.1:5432",
]
URL_COMMANDS = [
    ("review", "list"),
    ("review", "approve", "1"),
    ("db", "upgrade"),
    ("seed", "demo"),
    ("admin", "create-token", "--role", "city_bureau"),
]


async def jingfu(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    def run() -> int:
        try:
            return main(list(args))
        except SystemExit as exit_:  # argparse's way out
            return int(exit_.code or 0)

    code = await asyncio.to_thread(run)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("JINGFU_ADMIN_TOKEN", raising=False)
    return database_url


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("command", ID_COMMANDS, ids=lambda c: c[1])
async def test_a_malformed_id_is_one_clear_line(
    cli_database: str, capsys: pytest.CaptureFixture[str], command: tuple[str, ...], value: str
) -> None:
    code, out, err = await jingfu(capsys, *command, value)
    assert code == 2 and out == ""
    assert "Traceback" not in err
    assert f"from 1 to {ROW_ID_MAX}" in err.strip().splitlines()[-1], err  # argparse: usage, then the error


@pytest.mark.parametrize("command", ID_COMMANDS, ids=lambda c: c[1])
async def test_the_largest_id_is_still_asked_of_the_database(
    cli_database: str, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    code, _, err = await jingfu(capsys, *command, str(ROW_ID_MAX))
    assert code == 2 and "does not exist" in err and "Traceback" not in err


def test_the_id_range_is_the_id_columns_range() -> None:
    # ROW_ID_MAX is INTEGER's (int4 on PostgreSQL); a BIGINT id column would need the check widened.
    for table in Base.metadata.tables.values():
        for column in table.primary_key.columns:
            if column.name == "id":
                assert isinstance(column.type, Integer) and not isinstance(column.type, BigInteger), table


def _jingfu_process(args: tuple[str, ...], database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "RASA_", "REDIS_", "JINGFU_"))}
    env |= {"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35}
    return subprocess.run(
        [sys.executable, "-m", "jingfu", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


@pytest.mark.parametrize("url", BAD_DATABASE_URLS)
@pytest.mark.parametrize("args", URL_COMMANDS, ids=" ".join)
async def test_a_malformed_database_url_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    code, out, err = await jingfu(capsys, *args)
    assert code == 2, out + err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "DATABASE_URL" in err


@pytest.mark.parametrize("args", [("run",), ("shell", "--no-color"), ("review", "list")], ids=" ".join)
def test_the_long_running_commands_refuse_a_garbage_database_url_too(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    result = _jingfu_process(args, "garbage", tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "DATABASE_URL" in result.stderr.strip().splitlines()[-1]
