"""`jingfu admin create-user` as staff run it: the password from stdin (or asked twice), stored as
an argon2id hash that the console's log-in accepts; a taken name, a missing county or a short
password is one line and exit code 2. On this run's database."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from sqlalchemy import select

from core import console_users
from storage.enums import AdminRole
from storage.models import AdminUser
from storage.uow import UnitOfWork
from tests.cli.test_admin_tokens_cli import seeded
from tests.cli.test_malformed_arguments import jingfu

UowFactory = Callable[[], UnitOfWork]
__all__ = ["seeded"]  # the CLI tests' fixture (DATABASE_URL and the demo seed), used by name
ARGS = ("admin", "create-user", "--name", "李审核", "--role", "county_reviewer", "--county", "临河区")


async def test_a_console_user_is_created_from_stdin_and_logs_in(
    seeded: None, uow_factory: UowFactory, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("黄河几字弯-2026\n"))
    code, out, err = await jingfu(capsys, *ARGS, "--password-stdin")
    assert code == 0, err
    assert "console user '李审核'" in out and "/console/" in out
    async with uow_factory() as uow:
        stored = await uow.session.scalar(select(AdminUser.password_hash).where(AdminUser.name == "李审核"))
        assert stored is not None and stored.startswith("$argon2id$") and "黄河" not in stored
        found = await console_users.log_in(uow, "李审核", "黄河几字弯-2026")
        refused = await console_users.log_in(uow, "李审核", "黄河几字弯-2025")
    assert found is not None and refused is None
    staff, name = found
    assert staff.role is AdminRole.county_reviewer and staff.county_id is not None and name == "李审核"


@pytest.mark.parametrize(
    ("args", "password", "words"),
    [
        (ARGS, "short", "at least 10 characters"),
        (ARGS[:6], "long enough password", "add --county NAME"),
        ((*ARGS[:5], "city_bureau", "--county", "临河区"), "long enough password", "drop --county"),
    ],
)
async def test_bad_input_is_one_line_and_exit_2(
    seeded: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    password: str,
    words: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    code, _, err = await jingfu(capsys, *args, "--password-stdin")
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1


async def test_a_taken_name_is_refused(
    seeded: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    assert (await jingfu(capsys, *ARGS, "--password-stdin"))[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    code, _, err = await jingfu(capsys, *ARGS, "--password-stdin")
    assert code == 2 and "exists already" in err
