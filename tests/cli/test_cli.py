"""The `jingfu` command as a user runs it: a subprocess, real database, one-line errors, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _jingfu(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url}
    env.pop("RASA_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "jingfu", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"


def test_upgrade_seed_and_tokens_work_from_any_directory(fresh_sqlite: str, tmp_path: Path) -> None:
    assert _jingfu("db", "upgrade", database_url=fresh_sqlite, cwd=tmp_path).returncode == 0
    seeded = _jingfu("seed", "demo", database_url=fresh_sqlite, cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "experts 14" in seeded.stdout and "counties 7" in seeded.stdout
    again = _jingfu("seed", "demo", database_url=fresh_sqlite, cwd=tmp_path)
    assert "already present" in again.stdout
    token = _jingfu(
        "admin",
        "create-token",
        "--role",
        "county_reviewer",
        "--county",
        "临河区",
        database_url=fresh_sqlite,
        cwd=tmp_path,
    )
    assert token.returncode == 0 and token.stdout.startswith("jf_") and len(token.stdout.strip()) > 40
    help_text = _jingfu("--help", database_url=fresh_sqlite, cwd=tmp_path).stdout
    for command in ("db", "seed", "admin"):
        assert command in help_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("admin", "create-token", "--role", "boss"), "unknown role 'boss'"),
        (("admin", "create-token", "--role", "county_reviewer", "--county", "火星"), "unknown county '火星'"),
        (("admin", "create-token", "--role", "county_reviewer"), "add --county NAME"),
        (("admin", "create-token", "--role", "city_bureau", "--county", "临河区"), "drop --county"),
        (("db", "downgrade", "zzz"), "revisions: base, 0001"),
        (("db", "upgrade", "9999"), "revisions: base, 0001"),  # a revision that does not exist
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    fresh_sqlite: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _jingfu("db", "upgrade", database_url=fresh_sqlite, cwd=tmp_path)
    _jingfu("seed", "demo", database_url=fresh_sqlite, cwd=tmp_path)
    result = _jingfu(*args, database_url=fresh_sqlite, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unmigrated_database_says_what_to_run(fresh_sqlite: str, tmp_path: Path) -> None:
    result = _jingfu("seed", "demo", database_url=fresh_sqlite, cwd=tmp_path)
    assert result.returncode == 2 and "jingfu db upgrade" in result.stderr


def test_unsupported_database_url_is_named(tmp_path: Path) -> None:
    result = _jingfu("db", "upgrade", database_url="mysql://root@localhost/x", cwd=tmp_path)
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
