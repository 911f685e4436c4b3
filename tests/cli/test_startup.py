"""A command starts without importing what only running it needs (issue 21): `jingfu review --help`
took 1.5 s before the first line, as long as the query it would run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jingfu.cli import SUBCOMMAND_MODULES, main

# What start-up must not import: the core and the database (SQLAlchemy, Alembic), the settings
# (pydantic-settings), the screener (jieba, pypinyin, numpy), the bot and the admin app.
HEAVY = (
    "admin_api",
    "aiogram",
    "aiohttp",
    "alembic",
    "bot",
    "core",
    "jieba",
    "nlu",
    "numpy",
    "pydantic_settings",
    "pypinyin",
    "rasa",
    "redis",
    "sqlalchemy",
    "storage",
)

_IMPORTED = """
import json, sys
from jingfu.cli import build_parser
build_parser(sys.argv[1:])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.mark.parametrize("argv", [[], ["--help"], ["review", "--help"], ["review"]])
def test_building_the_parser_imports_nothing_heavy(argv: list[str]) -> None:
    # A fresh interpreter: this test process has imported everything already.
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *argv], capture_output=True, text=True, check=True, timeout=60
    )
    imported = set(json.loads(done.stdout))
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))


def test_help_lists_every_command_without_importing_them(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    for name, summary in SUBCOMMAND_MODULES.items():
        if name != "vouchers":  # offered once its module is there
            assert name in shown and summary in shown


def test_a_command_gets_its_own_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["review", "--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    assert "approve-advisory" in shown and "reject" in shown
