"""Farmers' and experts' text reaches an operator's terminal with its control characters escaped.

A problem description holding `ESC [2K ESC [1A` erased the lines above it in `jingfu review list`;
a right-to-left override reversed what the reviewer read. Every terminal output of `jingfu` now
shows such characters escaped, and only the terminal's own line breaks remain.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.terminal.render import BOLD, RESET, render
from core import advisories, requests
from render.terminal_text import json_line, lines, one_line
from storage.enums import AdvisoryCategory, ServiceMode
from storage.uow import UnitOfWork
from tests.bot.test_review_cli import cli_database, jingfu
from tests.demo_world import World, build_world

__all__ = ["cli_database"]  # the fixture, used by name

UowFactory = Callable[[], UnitOfWork]
# The sequence the probe sent, then a right-to-left override and a C1 control sequence introducer.
HOSTILE = "叶子发黄\x1b[2K\x1b[1A\u202e已批准\u202c\x9b2J\x7f"
# Any control character but the line break a terminal output is made of.
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def assert_escaped(shown: str) -> None:
    assert RAW_CONTROL.search(shown) is None, repr(shown)
    assert "\\x1b[2K\\x1b[1A" in shown and "\\u202e" in shown, shown


async def submitted_request(uow_factory: UowFactory, world: World, description: str) -> int:
    async with uow_factory() as uow:
        draft = await requests.create_draft(
            uow, world.farmer_id, description=description, specialty_code="plant_protection", subject="向日葵"
        )
    async with uow_factory() as uow:
        await requests.submit(
            uow, draft.id, world.farmer_id, expert_id=world.experts["王建国"], mode=ServiceMode.online
        )
    return draft.id


async def test_review_list_shows_a_hostile_description_escaped(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await build_world(uow_factory)
    request_id = await submitted_request(uow_factory, world, HOSTILE)
    code, out, err = await jingfu(capsys, "review", "list")
    assert code == 0, err
    assert f"#{request_id}" in out
    assert_escaped(out)


async def test_review_advisories_show_a_hostile_body_escaped(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        await advisories.submit_advisory(
            uow,
            world.experts["王建国"],
            category=AdvisoryCategory.pest,
            body=HOSTILE,
            target_subjects=["向日葵\u202e"],
        )
    code, out, err = await jingfu(capsys, "review", "advisories")
    assert code == 0, err
    assert_escaped(out)


async def test_an_error_line_quoting_input_shows_it_escaped(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await build_world(uow_factory)
    code, out, err = await jingfu(capsys, "review", "list", "--county", HOSTILE)
    assert code == 2 and out == ""
    assert_escaped(err)
    assert len(err.strip().splitlines()) == 1


def test_screen_echoes_its_input_as_json_without_raw_controls() -> None:
    screened = subprocess.run(
        [sys.executable, "-m", "jingfu", "screen"],
        input=HOSTILE + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert screened.returncode == 0, screened.stderr
    assert RAW_CONTROL.search(screened.stdout) is None, repr(screened.stdout)
    assert json.loads(screened.stdout)["text"] == HOSTILE  # the contract: the same text reads back


def test_the_shell_shows_a_hostile_message_escaped_and_keeps_its_own_bold() -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="确认\x1b[1A", callback_data="x")]]
    )
    shown = render(SendMessage(chat_id=1, text=f"<b>问题</b>\n{HOSTILE}", reply_markup=markup), "王二牛")
    assert shown is not None
    assert_escaped(shown.replace(BOLD, "").replace(RESET, ""))
    assert f"{BOLD}问题{RESET}" in shown and "确认\\x1b[1A" in shown
    # A control written as an HTML entity is decoded first, then escaped like a raw one.
    plain = render(SendMessage(chat_id=1, text="\x1b[2K&#x202e;"), "王二牛", ansi=False)
    assert plain is not None and "\\x1b[2K\\u202e" in plain and "\x1b" not in plain


@pytest.mark.parametrize(
    "control", ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\x9b", "\u200f", "\u2067"]
)
def test_every_kind_of_control_is_escaped_in_one_line_and_block_views(control: str) -> None:
    for shown in (one_line(f"a{control}b"), lines(f"a{control}b\nc"), json_line(f"a{control}b")):
        assert control not in shown
    assert lines("a\nb\tc") == "a\nb\tc" and one_line("a\n b\tc") == "a b c"
