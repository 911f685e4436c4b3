"""`jingfu run` refuses to start without a usable token: one line naming the variable, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands import COMMANDS, bot_commands

REPO_ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    environment |= {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}", **env}
    return subprocess.run(
        [sys.executable, "-m", "jingfu", "run"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "   "}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token-at-all"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": "123456:tooShort"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": "abc:" + "A" * 35}, "TELEGRAM_BOT_TOKEN is malformed"),
        (
            {"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35, "TELEGRAM_API_BASE": "localhost:8081"},
            "TELEGRAM_API_BASE must be an http(s) URL",
        ),
    ],
)
def test_a_missing_or_malformed_setting_is_one_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = _run(tmp_path, **env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_the_token_itself_is_never_echoed(tmp_path: Path) -> None:
    secret = "123456:short-but-secret"
    assert secret not in _run(tmp_path, TELEGRAM_BOT_TOKEN=secret).stderr


def test_commands_are_described_in_both_languages() -> None:
    names = ["start", "menu", "help", "language", "requests", "balance", "cancel"]
    assert list(COMMANDS) == names
    zh, en = bot_commands("zh"), bot_commands("en")
    assert [c.command for c in zh] == [c.command for c in en] == names
    assert all(c.description for c in zh + en)
    assert zh[0].description != en[0].description
