"""A county reviewer works the experts' advisories over HTTP (Art. 8(2)): reads one with what screening
flagged and how many farmers it reaches, approves it (the bot sends it and tells the expert) or
rejects it with a reason (the expert reads it); another county's advisory does not exist for them."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core import advisories
from core.scope import CITY_SYSTEM
from storage.enums import AdminRole, AdvisoryStatus, DeliveryStatus
from storage.models import Advisory, AdvisoryDelivery, AuditLog
from storage.uow import UnitOfWork
from tests.admin_api.test_review_desk import token
from tests.bot.conftest import (
    EXPERT,
    EXPERT_PHONE,
    FARMER,
    FARMER_PHONE,
    catalog,
    deps,
    harness,
    nlu_engine,
    screener,
)
from tests.bot.harness import Harness, button, texts
from tests.bot.test_review_cli import pending_advisory
from tests.demo_world import build_world

__all__ = ["catalog", "deps", "harness", "nlu_engine", "screener"]  # the bot's fixtures, used by name

UowFactory = Callable[[], UnitOfWork]


async def _expert_publishes(h: Harness, body: str, subjects: str) -> int:
    await h.contact(EXPERT, EXPERT_PHONE)
    sent = await h.say(EXPERT, "📢 发布农情")
    sent = await h.press(EXPERT, button(sent, lambda label, _: label == "病虫害"))
    await h.say(EXPERT, body)
    assert "已提交审核" in texts(await h.say(EXPERT, subjects))[0]
    async with h.deps.uow() as uow:
        [queued] = await advisories.pending_advisories(uow, CITY_SYSTEM)
    return queued.id


async def test_an_approved_advisory_is_sent_by_the_bot(api: TestClient, harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)  # 王二牛, 临河区, grows 向日葵, advisories on
    advisory_id = await _expert_publishes(h, "向日葵螟预警\n近期虫害加重，切勿使用甲胺磷", "向日葵")
    reviewer = await token(h.deps.uow, AdminRole.county_reviewer, "临河区")

    listed = await (await api.get("/api/v1/advisories", headers=reviewer)).json()
    assert [item["id"] for item in listed["items"]] == [advisory_id] and listed["next_cursor"] is None
    [item] = listed["items"]
    assert (item["county"], item["expert"], item["category"], item["status"]) == (
        "临河区",
        "王建国",
        "pest",
        "pending_review",
    )
    read = await api.get(f"/api/v1/advisories/{advisory_id}", headers=reviewer)
    assert read.status == 200
    advisory = await read.json()
    assert advisory["body"] == "向日葵螟预警\n近期虫害加重，切勿使用甲胺磷"
    assert advisory["target_subjects"] == ["向日葵"]
    assert advisory["screening_flags"] == ["banned_pesticide:甲胺磷"]  # kept from the expert's form
    assert advisory["recipients"] == 1

    approved = await api.post(f"/api/v1/advisories/{advisory_id}/approve", headers=reviewer)
    assert approved.status == 200
    assert await approved.json() == {"id": advisory_id, "status": "approved", "recipients": 1}

    pushed = await h.pump()
    [copy] = texts(pushed, FARMER)
    assert "向日葵螟预警" in copy and "发布专家：王建国" in copy
    assert texts(pushed, EXPERT) == [f"你的农情 #{advisory_id} 已通过审核，正在推送给 1 户。"]
    async with h.deps.uow() as uow:
        delivery = await uow.session.scalar(select(AdvisoryDelivery))
        assert delivery is not None and delivery.status is DeliveryStatus.sent
        entry = await uow.session.scalar(select(AuditLog).where(AuditLog.action == "advisory.approve"))
        assert entry is not None
        assert entry.detail["before"] == {"status": "pending_review"}
        assert entry.detail["after"] == {"status": "approved"} and entry.detail["via"] == "api"

    again = await api.post(f"/api/v1/advisories/{advisory_id}/approve", headers=reviewer)
    assert again.status == 409
    assert (await again.json())["current_status"] == "sent"


async def test_a_rejected_advisory_reaches_nobody_and_the_expert_reads_why(
    api: TestClient, harness: Harness
) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    advisory_id = await _expert_publishes(h, "防治建议\n用某某药", "向日葵")
    reviewer = await token(h.deps.uow, AdminRole.county_reviewer, "临河区")
    path = f"/api/v1/advisories/{advisory_id}/reject"

    blank = await api.post(path, headers=reviewer, json={"reason": ""})
    assert blank.status == 422 and (await blank.json())["errors"][0]["loc"] == ["reason"]
    spaces = await api.post(path, headers=reviewer, json={"reason": "   "})
    assert spaces.status == 422 and (await spaces.json())["code"] == "invalid_input"

    rejected = await api.post(path, headers=reviewer, json={"reason": "请写明药名和用量"})
    assert rejected.status == 200
    assert await rejected.json() == {"id": advisory_id, "status": "rejected", "recipients": 0}
    pushed = await h.pump()
    assert texts(pushed) == [
        f"你的农情 #{advisory_id} 未通过审核。原因：请写明药名和用量\n修改后可以重新发布。"
    ]

    read = await (await api.get(f"/api/v1/advisories/{advisory_id}", headers=reviewer)).json()
    assert (read["status"], read["reason"], read["recipients"]) == ("rejected", "请写明药名和用量", 0)
    rejected_list = await (await api.get("/api/v1/advisories?status=rejected", headers=reviewer)).json()
    assert [i["id"] for i in rejected_list["items"]] == [advisory_id]
    assert (await (await api.get("/api/v1/advisories", headers=reviewer)).json())["items"] == []


async def test_another_countys_advisory_does_not_exist_for_county_staff(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    advisory_id = await pending_advisory(uow_factory, world)  # 王建国, 临河区
    wuyuan = await token(uow_factory, AdminRole.county_reviewer, "五原县")

    assert (await (await api.get("/api/v1/advisories", headers=wuyuan)).json())["items"] == []
    for method, path, body in (
        ("GET", f"/api/v1/advisories/{advisory_id}", None),
        ("POST", f"/api/v1/advisories/{advisory_id}/approve", None),
        ("POST", f"/api/v1/advisories/{advisory_id}/reject", {"reason": "不行"}),
    ):
        refused = await api.request(method, path, headers=wuyuan, json=body)
        assert refused.status == 404, path
        assert "临河" not in await refused.text() and "王建国" not in await refused.text()
    missing = await api.get("/api/v1/advisories/999999", headers=wuyuan)
    assert missing.status == 404
    async with uow_factory() as uow:
        advisory = await uow.session.get(Advisory, advisory_id)
        assert advisory is not None and advisory.status is AdvisoryStatus.pending_review


async def test_the_city_bureau_may_not_review_advisories(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    advisory_id = await pending_advisory(uow_factory, world)
    bureau = await token(uow_factory, AdminRole.city_bureau)
    assert (await api.get("/api/v1/advisories", headers=bureau)).status == 403
    assert (await api.post(f"/api/v1/advisories/{advisory_id}/approve", headers=bureau)).status == 403
    institute = await token(uow_factory, AdminRole.city_institute)
    assert (await api.post(f"/api/v1/advisories/{advisory_id}/approve", headers=institute)).status == 200


async def test_pages_follow_the_cursor_without_repeating(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    ids = [await pending_advisory(uow_factory, world) for _ in range(5)]
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")

    seen: list[int] = []
    query = "/api/v1/advisories?limit=2"
    while True:
        page = await (await api.get(query, headers=reviewer)).json()
        seen += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        query = f"/api/v1/advisories?limit=2&cursor={page['next_cursor']}"
    assert seen == ids  # oldest first, each once

    for bad in ("abc", "aWQ6MA", "aWQ6OTk5OTk5OTk5OTk"):  # not base64 of ours; id:0; id out of range
        response = await api.get(f"/api/v1/advisories?cursor={bad}", headers=reviewer)
        assert response.status == 400 and "cursor" in (await response.json())["detail"]
    for bad in ("limit=0", "limit=201", "status=sent", "colour=red"):
        assert (await api.get(f"/api/v1/advisories?{bad}", headers=reviewer)).status == 400, bad
