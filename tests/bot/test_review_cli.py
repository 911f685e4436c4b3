"""`jingfu review` against a real database: the queue, decisions, scoping, audit, one-line errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import select

from core import advisories, requests
from core.admin_tokens import create_token
from jingfu.cli import main
from storage.enums import AdminRole, AdvisoryCategory, RequestStatus, ServiceMode
from storage.models import AuditLog
from storage.uow import UnitOfWork
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("JINGFU_ADMIN_TOKEN", raising=False)
    # These tests read the English output; test_the_cli_speaks_chinese_by_default reads the default.
    monkeypatch.setenv("JINGFU_LANGUAGE", "en")
    return database_url


async def jingfu(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    # The CLI runs its own event loop, so it gets a thread of its own.
    code = await asyncio.to_thread(main, list(args))
    out, err = capsys.readouterr()
    return code, out, err


async def pending_request(uow_factory: UowFactory, world: World) -> int:
    async with uow_factory() as uow:
        draft = await requests.create_draft(
            uow,
            world.farmer_id,
            description="向日葵叶片发黄，有黑色斑点，\n大约二十亩，开花期",
            specialty_code="plant_protection",
            subject="向日葵",
        )
    async with uow_factory() as uow:
        # create_draft fixes photos and screening to empty, so they arrive as an intake edit would.
        flagged = {"description": {"verdict": "flag", "hits": [{"term": "农药", "category": "敏感"}]}}
        await requests.update_draft(
            uow, draft.id, world.farmer_id, photo_file_ids=["p1", "p2"], screening=flagged
        )
    async with uow_factory() as uow:
        await requests.submit(
            uow, draft.id, world.farmer_id, expert_id=world.experts["王建国"], mode=ServiceMode.online
        )
    return draft.id


async def status_of(uow_factory: UowFactory, request_id: int) -> RequestStatus:
    async with uow_factory() as uow:
        return (await requests.load_request(uow, request_id, lock=False)).status


async def audit_actions(uow_factory: UowFactory) -> list[tuple[str, int | None, dict[str, object]]]:
    async with uow_factory() as uow:
        rows = await uow.session.scalars(select(AuditLog).where(AuditLog.entity == "service_request"))
        return [(row.action, row.entity_id, row.detail) for row in rows.all()]


# What an approval changed, as the audit log keeps it (core.audit).
APPROVED = {"before": {"status": "pending_review"}, "after": {"status": "approved"}}


def one_line_error(code: int, err: str, message: str) -> None:
    assert code == 2
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


async def reason_is_required(capsys: pytest.CaptureFixture[str], command: str, object_id: int) -> None:
    """A rejection without --reason stops at argparse (exit 2, its usage and one error line), and
    --help shows the option as required."""
    with pytest.raises(SystemExit) as stopped:
        await jingfu(capsys, "review", command, str(object_id))
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "the following arguments are required: --reason" in err
    assert "Traceback" not in err and "--reason REASON id" in err  # in the usage line: not in [brackets]


async def test_list_shows_what_a_reviewer_needs(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    code, out, _ = await jingfu(capsys, "review", "list")
    assert code == 0
    assert f"#{request_id}" in out
    for shown in ("临河区", "王二牛", "植物保护", "向日葵", "photos 2", "¥50", "敏感:农药", "review by"):
        assert shown in out, shown
    assert "1 request waiting for review" in out  # not "1 requests"
    assert "expert 王建国" in out  # whom approving invites
    assert "向日葵叶片发黄，有黑色斑点， 大约二十亩" in out  # the description on one line
    code, out, _ = await jingfu(capsys, "review", "list", "--county", "五原县")
    assert code == 0 and "no request is waiting" in out


async def test_the_cli_speaks_chinese_by_default(
    uow_factory: UowFactory,
    cli_database: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JINGFU_LANGUAGE")
    request_id = await pending_request(uow_factory, await build_world(uow_factory))
    code, out, _ = await jingfu(capsys, "review", "list")
    assert code == 0
    for shown in ("1 个请求待审核", "专家 王建国", "照片 2", "费用 ¥50（线上解答）", "应审于"):
        assert shown in out, shown
    code, out, _ = await jingfu(capsys, "review", "approve", str(request_id))
    assert code == 0 and f"已批准 #{request_id}" in out
    code, _, err = await jingfu(capsys, "review", "approve", str(request_id))
    one_line_error(code, err, f"请求 #{request_id} 的状态是「已邀请专家」：只有待审核的请求才能批准")
    monkeypatch.setenv("JINGFU_LANGUAGE", "fr")
    code, _, err = await jingfu(capsys, "review", "list")
    one_line_error(code, err, "JINGFU_LANGUAGE='fr' is not a language here; use one of zh_CN, en")


async def test_a_long_description_is_cut_with_how_to_read_it_all(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await build_world(uow_factory)
    long_text = "羊拉稀不吃草，" * 40  # 280 characters
    async with uow_factory() as uow:
        draft = await requests.create_draft(
            uow, world.farmer_id, description=long_text, specialty_code="veterinary", subject="羊"
        )
    async with uow_factory() as uow:
        await requests.submit(
            uow, draft.id, world.farmer_id, expert_id=world.experts["王建国"], mode=ServiceMode.online
        )
    code, out, _ = await jingfu(capsys, "review", "list")
    assert code == 0 and f"(280 characters; `jingfu review show {draft.id}` shows all)" in out
    code, out, _ = await jingfu(capsys, "review", "show", str(draft.id))
    assert code == 0 and long_text in out


async def test_show_gives_a_reviewer_the_whole_request(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await build_world(uow_factory)
    request_id = await pending_request(uow_factory, world)
    code, out, _ = await jingfu(capsys, "review", "show", str(request_id))
    assert code == 0, out
    for shown in (
        f"request #{request_id}  临河区  status: waiting for review",
        "farmer: 王二牛",
        "向日葵叶片发黄，有黑色斑点，",  # the text as written, line by line
        "    大约二十亩，开花期",
        "screening hits",
        "term 农药",
        "specialty 植物保护  crop/animal 向日葵",
        "mode Online answer  fee ¥50.00",
        "expert: 王建国",
        "2 photos",
        "timeline:",
        "submit  draft → waiting for review",
    ):
        assert shown in out, shown
    code, _, err = await jingfu(capsys, "review", "show", "999999")
    one_line_error(code, err, "999999 does not exist")


async def test_approve_invites_the_expert_and_is_audited(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = await pending_request(uow_factory, await build_world(uow_factory))
    code, out, _ = await jingfu(capsys, "review", "approve", str(request_id))
    assert code == 0 and f"approved #{request_id}" in out
    assert await status_of(uow_factory, request_id) is RequestStatus.approved
    assert await audit_actions(uow_factory) == [
        ("request.approve", request_id, {"via": "cli:local-operator", **APPROVED})
    ]
    code, _, err = await jingfu(capsys, "review", "approve", str(request_id))
    # Said as a reviewer reads it: the status and where the waiting requests are, not action names.
    one_line_error(
        code, err, f"request #{request_id} is 'expert invited': only a request pending review can be approved"
    )
    assert "jingfu review list" in err and "possible now" not in err
    code, _, err = await jingfu(capsys, "review", "reject", str(request_id), "--reason", "晚了")
    one_line_error(
        code, err, f"request #{request_id} is 'expert invited': only a request pending review can be"
    )


async def test_reject_needs_a_reason_and_releases_the_hold(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = await pending_request(uow_factory, await build_world(uow_factory))
    await reason_is_required(capsys, "reject", request_id)
    code, _, err = await jingfu(capsys, "review", "reject", str(request_id), "--reason", "   ")
    one_line_error(code, err, "needs a reason")
    code, out, _ = await jingfu(capsys, "review", "reject", str(request_id), "--reason", "请补充照片")
    assert code == 0 and "hold is released" in out
    assert await status_of(uow_factory, request_id) is RequestStatus.rejected
    [(action, entity_id, detail)] = await audit_actions(uow_factory)
    assert (action, entity_id, detail["reason"]) == ("request.reject", request_id, "请补充照片")


async def test_unknown_request_is_one_line(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await build_world(uow_factory)
    code, _, err = await jingfu(capsys, "review", "approve", "999999")
    one_line_error(code, err, "request 999999 does not exist")


async def test_a_county_token_acts_on_its_own_county_only(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    request_id = await pending_request(uow_factory, await build_world(uow_factory))
    async with uow_factory() as uow:
        wuyuan = await create_token(uow, role=AdminRole.county_reviewer, county_name="五原县")
    async with uow_factory() as uow:
        linhe = await create_token(uow, role=AdminRole.county_reviewer, county_name="临河区")
    code, out, _ = await jingfu(capsys, "review", "list", "--token", wuyuan.token)
    assert code == 0 and "no request is waiting" in out
    code, _, err = await jingfu(capsys, "review", "approve", str(request_id), "--token", wuyuan.token)
    one_line_error(code, err, "another county")
    code, _, err = await jingfu(capsys, "review", "approve", str(request_id), "--token", "jf_" + "x" * 43)
    one_line_error(code, err, "unknown, expired or revoked")
    code, _, _ = await jingfu(capsys, "review", "approve", str(request_id), "--token", linhe.token)
    assert code == 0
    assert await audit_actions(uow_factory) == [
        ("request.approve", request_id, {"via": "cli:token", **APPROVED})
    ]
    async with uow_factory() as uow:
        history = await requests.history(uow, request_id)
    assert history[-1].actor_id == linhe.admin_user_id


async def pending_advisory(uow_factory: UowFactory, world: World) -> int:
    async with uow_factory() as uow:
        advisory = await advisories.submit_advisory(
            uow,
            world.experts["王建国"],
            category=AdvisoryCategory.pest,
            body="向日葵螟预警\n近期气温升高，注意诱杀",
            target_subjects=["向日葵"],
        )
        return advisory.id


async def test_advisories_are_listed_approved_and_audited(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = await build_world(uow_factory)  # 王二牛 (向日葵, 小麦) is bound, advisories on
    advisory_id = await pending_advisory(uow_factory, world)
    code, out, _ = await jingfu(capsys, "review", "advisories")
    assert code == 0
    for shown in (
        f"#{advisory_id}",
        "临河区",
        "王建国",
        "pest",
        "for 向日葵",
        "向日葵螟预警",
        "reach 1 farmer",
    ):
        assert shown in out, shown
    code, out, _ = await jingfu(capsys, "review", "approve-advisory", str(advisory_id))
    assert code == 0 and "sends it to 1 farmer" in out
    code, _, err = await jingfu(capsys, "review", "reject-advisory", str(advisory_id), "--reason", "晚了")
    one_line_error(code, err, "already reviewed")
    code, out, _ = await jingfu(capsys, "review", "advisories")
    assert code == 0 and "no advisory is waiting" in out
    async with uow_factory() as uow:
        rows = (await uow.session.scalars(select(AuditLog).where(AuditLog.entity == "advisory"))).all()
        assert [(r.action, r.entity_id, r.detail) for r in rows] == [
            ("advisory.approve", advisory_id, {"via": "cli:local-operator", "recipients": 1, **APPROVED})
        ]


async def test_an_advisory_rejection_needs_a_reason_and_a_county_token_its_own_county(
    uow_factory: UowFactory, cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    advisory_id = await pending_advisory(uow_factory, await build_world(uow_factory))
    async with uow_factory() as uow:
        wuyuan = await create_token(uow, role=AdminRole.county_reviewer, county_name="五原县")
    code, out, _ = await jingfu(capsys, "review", "advisories", "--token", wuyuan.token)
    assert code == 0 and "no advisory is waiting" in out
    code, _, err = await jingfu(
        capsys, "review", "reject-advisory", str(advisory_id), "--reason", "x", "--token", wuyuan.token
    )
    one_line_error(code, err, "another county")
    await reason_is_required(capsys, "reject-advisory", advisory_id)
    code, out, _ = await jingfu(capsys, "review", "reject-advisory", str(advisory_id), "--reason", "写明用药")
    assert code == 0 and "the expert is told the reason" in out
    code, _, err = await jingfu(capsys, "review", "approve-advisory", "999999")
    one_line_error(code, err, "advisory 999999 does not exist")
