"""REDIS_URL that is malformed or points at nothing: one line at start, before any update is taken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_database_errors import TOKEN, _closed_port, _closed_url, _one_line


def _run(args: tuple[str, ...], redis_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    database = f"sqlite+aiosqlite:///{tmp_path / 'j.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_", "REDIS_"))}
    env |= {"DATABASE_URL": database, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": _closed_url()}
    command = [sys.executable, "-m", "jingfu"]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    return subprocess.run(
        [*command, *args],
        input="/start\n",
        capture_output=True,
        text=True,
        env=env | {"REDIS_URL": redis_url},
        timeout=120,
    )


@pytest.mark.parametrize("args", [("run",), ("shell", "--no-color")], ids=" ".join)
def test_a_redis_nobody_listens_on_is_named(args: tuple[str, ...], tmp_path: Path) -> None:
    port = _closed_port()
    line = _one_line(_run(args, f"redis://:s3cret@127.0.0.1:{port}/0", tmp_path))
    assert f"cannot reach Redis at 127.0.0.1:{port}" in line and "REDIS_URL" in line
    assert "s3cret" not in line


@pytest.mark.parametrize("args", [("run",), ("shell", "--no-color")], ids=" ".join)
def test_a_malformed_redis_url_is_named(args: tuple[str, ...], tmp_path: Path) -> None:
    line = _one_line(_run(args, "127.0.0.1:6379", tmp_path))
    assert "REDIS_URL is not a Redis URL" in line and "redis://127.0.0.1:6379/0" in line
