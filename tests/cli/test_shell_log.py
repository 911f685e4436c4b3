"""`jingfu shell` is the user's chat window: what the bot logs goes to a file, not between the messages."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from jingfu.cli.shell import _log_to_file


def test_a_failed_update_is_logged_to_the_file_and_not_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], root_logging: None
) -> None:
    log_file = tmp_path / "var" / "shell.log"
    _log_to_file(log_file)
    try:
        raise RuntimeError("UNIQUE constraint failed")
    except RuntimeError:
        logging.getLogger("aiogram.event").exception("update 7 failed")

    shown = capsys.readouterr()
    assert "Traceback" not in shown.out + shown.err and "update 7 failed" not in shown.err
    logged = log_file.read_text(encoding="utf-8")
    assert "update 7 failed" in logged and "RuntimeError: UNIQUE constraint failed" in logged
