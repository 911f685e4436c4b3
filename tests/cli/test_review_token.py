"""`jingfu review --token`: only the absence of any token means the local operator.

An empty, blank or malformed token (on the command line or in JINGFU_ADMIN_TOKEN) used to fall back
to the city-wide local operator: `--token ""` approved a request. Each is now one line, exit code 2,
and the request or advisory is still waiting for review.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from core.admin_tokens import TOKEN_PREFIX
from storage.enums import AdvisoryStatus, RequestStatus
from storage.models import Advisory, AuditLog
from storage.uow import UnitOfWork
from tests.bot.test_review_cli import cli_database, jingfu, pending_advisory, pending_request, status_of
from tests.demo_world import build_world

__all__ = ["cli_database"]  # the fixture, used by name

UowFactory = Callable[[], UnitOfWork]
WELL_FORMED_UNKNOWN = TOKEN_PREFIX + "x" * 43

BAD_TOKENS = {
    "empty": ("", "empty"),
    "blank": ("   ", "empty"),
    "no prefix": ("nonsense", "malformed"),
    "short": (TOKEN_PREFIX + "abc", "malformed"),
    "inner space": (TOKEN_PREFIX + "x" * 20 + " " + "x" * 22, "malformed"),
    "control character": (TOKEN_PREFIX + "x" * 42 + "\x1b", "malformed"),
    "unknown": (WELL_FORMED_UNKNOWN, "unknown, expired or revoked"),
}
ACTIONS = {
    "approve": lambda r, a: ("approve", str(r)),
    "reject": lambda r, a: ("reject", str(r), "--reason", "请补充照片"),
    "approve-advisory": lambda r, a: ("approve-advisory", str(a)),
    "reject-advisory": lambda r, a: ("reject-advisory", str(a), "--reason", "写明用药"),
    "list": lambda r, a: ("list",),
    "advisories": lambda r, a: ("advisories",),
}


async def advisory_status(uow_factory: UowFactory, advisory_id: int) -> AdvisoryStatus:
    async with uow_factory() as uow:
        advisory = await uow.session.get(Advisory, advisory_id)
        assert advisory is not None
        return advisory.status


async def audit_rows(uow_factory: UowFactory) -> int:
    async with uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(AuditLog)) or 0)


# Every acting subcommand with the empty token the issue found, then every kind of bad token on one.
CASES = [(action, "empty") for action in ACTIONS] + [("approve", bad) for bad in BAD_TOKENS if bad != "empty"]


@pytest.mark.parametrize("given", ["option", "environment"])
@pytest.mark.parametrize(("action", "bad"), CASES, ids=[f"{a}-{b}" for a, b in CASES])
async def test_a_bad_token_is_refused_and_nothing_is_decided(
    uow_factory: UowFactory,
    cli_database: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    given: str,
    action: str,
    bad: str,
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    advisory_id = await pending_advisory(uow_factory, world)
    before = await audit_rows(uow_factory)
    token, message = BAD_TOKENS[bad]
    args = ("review", *ACTIONS[action](request_id, advisory_id))
    if given == "option":
        code, out, err = await jingfu(capsys, *args, "--token", token)
    else:
        monkeypatch.setenv("JINGFU_ADMIN_TOKEN", token)
        code, out, err = await jingfu(capsys, *args)
    assert code == 2, out
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert out == ""  # not even a listing
    if token.strip():  # the token itself is a secret: never echoed
        assert token not in err
    assert await status_of(uow_factory, request_id) is RequestStatus.pending_review
    assert await advisory_status(uow_factory, advisory_id) is AdvisoryStatus.pending_review
    assert await audit_rows(uow_factory) == before


async def test_the_option_wins_over_the_environment_and_only_no_token_is_the_local_operator(
    uow_factory: UowFactory,
    cli_database: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request_id = await pending_request(uow_factory, await build_world(uow_factory))
    monkeypatch.setenv("JINGFU_ADMIN_TOKEN", WELL_FORMED_UNKNOWN)
    code, _, err = await jingfu(capsys, "review", "approve", str(request_id), "--token", "")
    assert code == 2 and "--token is empty" in err
    monkeypatch.delenv("JINGFU_ADMIN_TOKEN")
    code, out, _ = await jingfu(capsys, "review", "approve", str(request_id))
    assert code == 0 and f"approved #{request_id}" in out
    assert await status_of(uow_factory, request_id) is RequestStatus.approved
