"""Reviewers' notes stay in the back office: after a note, an approval over HTTP and a conversation
relayed by the bot, nothing the bot sent to the farmer or the expert contains the note's words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import TelegramMethod
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from bot.deps import BotDeps
from core.admin_tokens import create_token
from storage.enums import AdminRole
from storage.models import AuditLog
from tests.bot.conftest import EVENING, EXPERT, FARMER, catalog, deps, nlu_engine, screener  # noqa: F401
from tests.bot.harness import Harness, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit

NOTE = "内部备注：此户上周已反映过同一问题，核实无误"


@pytest.fixture
async def desk(deps: BotDeps) -> AsyncIterator[TestClient]:  # noqa: F811
    app = create_admin_app(AdminServices(session_factory=deps.session_factory, clock=deps.clock))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


def _everything_sent(methods: list[TelegramMethod[Any]]) -> str:
    return "\n".join(repr(m) for m in methods)  # every field of every call, captions and buttons too


async def test_a_note_never_reaches_the_farmer_or_the_expert(deps: BotDeps, desk: TestClient) -> None:  # noqa: F811
    h = await Harness.build(deps)
    sent: list[TelegramMethod[Any]] = []
    try:
        await bind_both(h)
        request_id = await describe_and_submit(h)
        async with deps.uow() as uow:
            issued = await create_token(
                uow, role=AdminRole.county_reviewer, county_name="临河区", now=EVENING
            )
        reviewer = {"Authorization": f"Bearer {issued.token}"}

        noted = await desk.post(f"/api/v1/requests/{request_id}/notes", headers=reviewer, json={"text": NOTE})
        assert noted.status == 201 and (await noted.json())["text"] == NOTE
        assert (await desk.post(f"/api/v1/requests/{request_id}/approve", headers=reviewer)).status == 200
        sent += await h.pump()
        assert any("已通过审核" in text for text in texts(sent, FARMER))  # the farmer was told
        assert any("新的服务邀请" in text for text in texts(sent, EXPERT))  # the expert invited
        sent += await h.press(EXPERT, f"iv:{request_id}:accept")
        sent += await h.pump()
        sent += await h.say(FARMER, "专家您好，叶子背面也有斑")
        sent += await h.say(EXPERT, "请再拍一张叶背的照片")
        sent += await h.pump()
        assert any("叶背" in text for text in texts(sent, FARMER))  # the conversation was relayed
    finally:
        await h.bot.session.close()

    everything = _everything_sent(sent)
    assert NOTE not in everything and "内部备注" not in everything and "核实无误" not in everything
    detail = await (await desk.get(f"/api/v1/requests/{request_id}", headers=reviewer)).json()
    assert [note["text"] for note in detail["notes"]] == [NOTE]
    async with deps.uow() as uow:
        audited = (await uow.session.scalars(select(AuditLog).where(AuditLog.action == "request.note"))).all()
    assert [(a.entity_id, a.actor_id, a.detail["via"]) for a in audited] == [
        (request_id, issued.admin_user_id, "api")
    ]


async def test_a_note_is_cleaned_and_bounded(deps: BotDeps, desk: TestClient) -> None:  # noqa: F811
    h = await Harness.build(deps)
    try:
        await bind_both(h)
        request_id = await describe_and_submit(h)
    finally:
        await h.bot.session.close()
    async with deps.uow() as uow:
        issued = await create_token(uow, role=AdminRole.county_reviewer, county_name="临河区", now=EVENING)
    reviewer = {"Authorization": f"Bearer {issued.token}"}
    path = f"/api/v1/requests/{request_id}/notes"

    dirty = await desk.post(path, headers=reviewer, data=b'{"text": "a\\u0000b"}')
    assert dirty.status == 201 and (await dirty.json())["text"] == "ab"  # PostgreSQL stores no NUL
    lone = await desk.post(path, headers=reviewer, data=b'{"text": "a\\ud800"}')  # no UTF-8 has it
    assert lone.status == 400
    for text in ("", "   ", "\u0000", "x" * 2001):
        assert (await desk.post(path, headers=reviewer, json={"text": text})).status == 422, repr(text)
    assert (await desk.post(path, headers=reviewer, json={"text": "x" * 2000})).status == 201
