"""`jingfu admin issue-code` and `revoke-code` as staff run them: the code printed once, with its
deep-link form; bad input a clear last line and exit code 2. On this run's database."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from core.seed.demo import seed_demo
from storage.models import Expert, InviteCode
from storage.uow import UnitOfWork
from tests.cli.test_malformed_arguments import jingfu

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


@pytest.fixture
async def seeded(
    database_url: str, uow_factory: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch
) -> int:
    """The demo county in this run's database; the id of an expert in it."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    async with uow_factory() as uow:
        await seed_demo(uow)
        expert_id = await uow.session.scalar(select(Expert.id).limit(1))
    assert expert_id is not None
    return int(expert_id)


async def test_a_code_is_printed_once_with_its_deep_link_and_revoked_by_itself(
    seeded: int, uow_factory: Callable[[], UnitOfWork], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = await jingfu(capsys, "admin", "issue-code", "--expert", str(seeded), "--days", "3")
    assert code == 0, err
    printed, link, note = out.splitlines()
    assert CODE.match(printed) and link == f"/start {printed}" and f"expert {seeded}" in note
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(InviteCode))
        assert row is not None and row.expert_id == seeded and not row.rebind
        assert printed.replace("-", "") not in str(vars(row))  # only its hash is kept

    code, out, _ = await jingfu(capsys, "admin", "revoke-code", printed.lower())
    assert code == 0 and "revoked" in out
    code, out, err = await jingfu(capsys, "admin", "revoke-code", printed)
    assert (
        code == 2 and out == "" and err.strip() == f"jingfu: error: invite code #{row.id} was revoked already"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--expert", "99999"), "no expert with id 99999"),
        (("--service-object", "99999"), "no service object with id 99999"),
        (("--expert", "9223372036854775808"), "is not an id: ids are whole numbers from 1 to 2147483647"),
        (("--expert", "-1"), "is not an id"),
        (("--expert", "{expert}", "--days", "-2"), "'-2' is not a whole number from 1 to 90"),
        (("--expert", "{expert}", "--days", "0"), "'0' is not a whole number from 1 to 90"),
        (("--service-object", "1", "--rebind"), "--rebind is for an expert"),
        (("--expert", "{expert}", "--service-object", "1"), "not allowed with argument"),
        ((), "one of the arguments --expert --service-object is required"),
    ],
)
async def test_bad_input_to_issue_code_ends_in_one_clear_line_and_exit_code_2(
    seeded: int, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = await jingfu(capsys, "admin", "issue-code", *(a.format(expert=seeded) for a in args))
    assert code == 2 and out == "" and "Traceback" not in err
    assert message in err.strip().splitlines()[-1], err


async def test_an_unknown_code_cannot_be_revoked(seeded: int, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = await jingfu(capsys, "admin", "revoke-code", "ABCD-EFGH-JKMN-PQRS")
    assert code == 2 and "no such invite code" in err
