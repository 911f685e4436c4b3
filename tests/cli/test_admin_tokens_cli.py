"""`jingfu admin create-token --days N` and `jingfu admin revoke-token PREFIX_OR_TOKEN` as staff run them:
the token on stdout alone (scripts read it), its prefix and expiry beside it; a revoked token stops
working at once; bad input is one line and exit code 2. On this run's database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import review
from core.admin_tokens import is_well_formed
from core.errors import NotPermitted
from core.seed.demo import seed_demo
from storage.models import ApiToken, AuditLog
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests.cli.test_malformed_arguments import jingfu

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
async def seeded(database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    async with uow_factory() as uow:
        await seed_demo(uow)


async def test_a_token_lives_its_days_and_is_revoked_by_its_prefix(
    seeded: None, uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = await jingfu(
        capsys, "admin", "create-token", "--role", "county_reviewer", "--county", "临河区", "--days", "7"
    )
    assert code == 0, err
    token = out.strip()
    assert is_well_formed(token) and f"prefix {token[:10]}" in err
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(ApiToken))
        assert row is not None and row.expires_at is not None
        assert abs(row.expires_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)
        staff = await review.staff_for_token(uow, token)
    assert staff.admin_id == row.admin_user_id

    code, out, err = await jingfu(capsys, "admin", "revoke-token", token[:10])
    assert code == 0 and out.strip() == f"the token of admin #{row.admin_user_id} is revoked"
    async with uow_factory() as uow:
        with pytest.raises(NotPermitted, match="revoked"):
            await review.staff_for_token(uow, token)
        entry = await uow.session.scalar(select(AuditLog).where(AuditLog.action == "revoke_token"))
        assert entry is not None and entry.entity_id == row.admin_user_id
    code, out, _ = await jingfu(capsys, "admin", "revoke-token", token)  # again, whole: nothing more to do
    assert code == 0 and "revoked" in out


async def test_revoking_by_the_whole_token(seeded: None, capsys: pytest.CaptureFixture[str]) -> None:
    _, token, _ = await jingfu(capsys, "admin", "create-token", "--role", "city_bureau")
    code, out, err = await jingfu(capsys, "admin", "revoke-token", token.strip())
    assert code == 0 and "revoked" in out, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create-token", "--role", "city_bureau", "--days", "0"), "'0' is not a whole number from 1 to 366"),
        (("create-token", "--role", "city_bureau", "--days", "367"), "is not a whole number from 1 to 366"),
        (("create-token", "--role", "city_bureau", "--days", "-3"), "is not a whole number from 1 to 366"),
        (("create-token", "--role", "city_bureau", "--days", "１"), "is not a whole number from 1 to 366"),
        (
            ("create-token", "--role", "city_bureau", "--days", "9" * 30),
            "is not a whole number from 1 to 366",
        ),
        (("revoke-token", "jf_zzzzzzz"), "no token matches; nothing was revoked"),
        (("revoke-token", "nonsense"), "give the token, or its first 10 characters"),
        (("revoke-token", ""), "give the token, or its first 10 characters"),
        (("revoke-token", "jf_\x1b[2J"), "no token matches"),
    ],
)
async def test_bad_input_is_one_line_and_exit_code_2(
    seeded: None, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = await jingfu(capsys, "admin", *args)
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert message in last, err
    assert "Traceback" not in err and "\x1b" not in err
