"""Every command of `jingfu`, found by walking its own parser, fed malformed values: a clear refusal,
exit code 2, never a traceback. A command added later is covered without editing this file."""

from __future__ import annotations

import argparse
import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from jingfu.cli import SUBCOMMAND_MODULES, build_parser, main

# Values no typed argument of ours means: ids, days, ports, years, timeouts are all positive and bounded.
BAD_VALUES = ["", "abc", "-1", "99999999999999999999", "nan", "inf", "1e400", "１２", "1_000"]
# Commands that never open the database (Rasa's environment, the screener on stdin) or that serve
# until stopped (their garbage-URL refusal is tests/cli/test_malformed_arguments.py's, in a process).
NO_DATABASE = {("nlu",), ("screen",), ("run",), ("shell",), ("admin", "serve")}
# A value for each required argument that gets the command past argparse to its own checks.
FILLERS = {"role": "city_bureau", "name": "张三", "reason": "请补充照片", "data": "x.jsonl", "year": "2026"}
# Options a command needs to run without a terminal (the tests have none to ask a password on).
WITHOUT_TERMINAL: dict[tuple[str, ...], list[str]] = {("admin", "create-user"): ["--password-stdin"]}


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    groups = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not groups:
        yield path, parser
    for group in groups:
        for name, child in group.choices.items():
            yield from _leaves(child, (*path, name))


def _commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []
    for name in SUBCOMMAND_MODULES:
        top = build_parser([name])  # registers that group's own parser
        [group] = [action for action in top._actions if isinstance(action, argparse._SubParsersAction)]
        found.extend(_leaves(group.choices[name], (name,)))
    return found


COMMANDS = _commands()


def _arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [action for action in parser._actions if not isinstance(action, argparse._HelpAction)]


def _filled(parser: argparse.ArgumentParser, *, leave_out: argparse.Action | None = None) -> list[str]:
    """The required arguments, each with a well-formed value."""
    words: list[str] = []
    # one of a required either-or group (issue-code: --expert or --service-object)
    chosen = {group._group_actions[0] for group in parser._mutually_exclusive_groups if group.required}
    for action in _arguments(parser):
        if action is leave_out or not (action.required or action in chosen):
            continue
        value = FILLERS.get(action.dest, "1")
        words += [action.option_strings[0], value] if action.option_strings else [value]
    return words


TYPED = [
    pytest.param(
        path,
        parser,
        action,
        id=f"{' '.join(path)} {action.option_strings[0] if action.option_strings else action.dest}",
    )
    for path, parser in COMMANDS
    for action in _arguments(parser)
    # a Path is checked when it is opened (a missing file is the command's one-line error)
    if action.type is not None and action.type is not Path
]


def test_the_walk_finds_the_commands() -> None:
    found = {" ".join(path) for path, _ in COMMANDS}
    assert {
        "review list",
        "review show",
        "review reject",
        "admin issue-code",
        "vouchers expire",
        "db upgrade",
    } <= found
    assert len(TYPED) >= 10


@pytest.mark.parametrize("value", BAD_VALUES)
@pytest.mark.parametrize(("path", "parser", "action"), TYPED)
def test_a_malformed_value_stops_at_the_parser(
    path: tuple[str, ...],
    parser: argparse.ArgumentParser,
    action: argparse.Action,
    value: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    given = [action.option_strings[0], value] if action.option_strings else [value]
    with pytest.raises(SystemExit) as stopped:
        build_parser([*path]).parse_args([*path, *_filled(parser, leave_out=action), *given])
    err = capsys.readouterr().err
    assert stopped.value.code == 2, f"{' '.join(path)} took {value!r}"
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith(
        f"jingfu {' '.join(path)}: error:"
    )


DATABASE_COMMANDS = [
    pytest.param(path, parser, id=" ".join(path))
    for path, parser in COMMANDS
    if not any(path[: len(skip)] == skip for skip in NO_DATABASE)
]


@pytest.mark.parametrize(("path", "parser"), DATABASE_COMMANDS)
async def test_a_garbage_database_url_is_one_line_for_every_command(
    path: tuple[str, ...],
    parser: argparse.ArgumentParser,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", "garbage")
    monkeypatch.delenv("JINGFU_ADMIN_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # create-user --password-stdin reads nothing

    def run() -> int:
        try:
            return main([*path, *_filled(parser), *WITHOUT_TERMINAL.get(path, [])])
        except SystemExit as exit_:
            return int(exit_.code or 0)

    code = await asyncio.to_thread(run)
    _, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
