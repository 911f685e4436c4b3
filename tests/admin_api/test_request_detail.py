"""A reviewer opens one request and finds all they weigh before deciding, in their county only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core import requests, threads
from core.scope import CITY_SYSTEM
from storage.enums import ActorKind, AdminRole, MessageKind, ServiceMode
from storage.models import AdminUser, Rating
from storage.models.admin import RequestClaim
from storage.types import utcnow
from storage.uow import UnitOfWork
from tests.admin_api.test_review_desk import token
from tests.demo_world import World, build_world

UowFactory = Callable[[], UnitOfWork]
TEXT = "我家葵花打了农药还是发黄，叶片有黑斑，二十多亩"


async def flagged_request(uow_factory: UowFactory, world: World, *, photos: list[str] | None = None) -> int:
    """Submitted as the intake leaves it: screening's hits with offsets into the description."""
    start = TEXT.index("农药")
    screening = {
        "verdict": "flag",
        "hits": [{"term": "农药", "category": "敏感", "action": "flag", "start": start, "end": start + 2}],
    }
    async with uow_factory() as uow:
        draft = await requests.create_draft(
            uow,
            world.farmer_id,
            description=TEXT,
            specialty_code="plant_protection",
            subject="向日葵",
            symptoms="叶片发黄，黑斑",
            growth_stage="开花期",
            scale_quantity=20.0,
            scale_unit="亩",
            scale_words="二十多亩",
        )
    async with uow_factory() as uow:
        items = photos if photos is not None else ["photo-a", "voice:v1", "photo-b"]
        await requests.update_draft(uow, draft.id, world.farmer_id, photo_file_ids=items, screening=screening)
    async with uow_factory() as uow:
        await requests.submit(
            uow, draft.id, world.farmer_id, expert_id=world.experts["王建国"], mode=ServiceMode.online
        )
    return draft.id


async def test_the_detail_holds_what_a_reviewer_weighs(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")
    async with uow_factory() as uow:  # the expert's record so far: one rating of 4 stars
        uow.session.add(
            Rating(
                request_id=request_id, farmer_id=world.farmer_id, expert_id=world.experts["王建国"], stars=4
            )
        )
        await uow.commit()
    noted = await api.post(
        f"/api/v1/requests/{request_id}/notes", headers=reviewer, json={"text": "电话核实过"}
    )
    assert noted.status == 201

    response = await api.get(f"/api/v1/requests/{request_id}", headers=reviewer)
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "pending_review" and body["county"] == "临河区" and body["farmer"] == "王二牛"
    [hit] = body["screening"]["hits"]
    assert body["text"][hit["start"] : hit["end"]] == "农药" == hit["matched"]
    assert (hit["category"], hit["action"], body["screening"]["verdict"]) == ("敏感", "flag", "flag")
    assert body["reading"] == {
        "specialty_code": "plant_protection",
        "specialty": "植物保护",
        "subject": "向日葵",
        "symptoms": "叶片发黄，黑斑",
        "growth_stage": "开花期",
        "scale": {"quantity": 20.0, "unit": "亩", "words": "二十多亩"},
    }
    expert = body["expert"]
    assert expert["name"] == "王建国" and expert["open_requests"] == 0
    assert (expert["rating_mean"], expert["rating_count"]) == (4.0, 1)
    service_object = body["service_object"]
    assert service_object["name"] == "临河区狼山镇王二牛示范户" and service_object["kind"] == "household"
    assert service_object["township"] == "狼山镇"
    assert service_object["voucher"]["held_fen"] == body["service"]["fee_fen"] == 5000
    assert service_object["voucher"]["available_fen"] == 60000 - 5000
    assert body["service"]["mode"] == "online"
    assert body["photos"] == {
        "count": 2,
        "urls": [f"/api/v1/requests/{request_id}/photos/1", f"/api/v1/requests/{request_id}/photos/2"],
        "other_attachments": {"voice": 1},
    }
    assert [(e["action"], e["from_status"], e["to_status"], e["actor_kind"]) for e in body["timeline"]] == [
        ("submit", "draft", "pending_review", "farmer")
    ]
    assert body["thread"] == []
    [note] = body["notes"]
    assert note["text"] == "电话核实过" and note["admin_name"]
    assert body["claim"] is None


async def test_the_thread_and_the_claim_show_once_they_exist(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    institute = await token(uow_factory, AdminRole.city_institute)
    expert_id = world.experts["王建国"]
    async with uow_factory() as uow:
        await requests.approve(uow, request_id, CITY_SYSTEM, now=utcnow())
        await uow.commit()
    async with uow_factory() as uow:
        await requests.accept(uow, request_id, expert_id)
    async with uow_factory() as uow:
        await threads.post(
            uow, request_id, ActorKind.farmer, world.farmer_id, message_kind=MessageKind.text, text="在吗"
        )
    async with uow_factory() as uow:
        await threads.post(
            uow, request_id, ActorKind.expert, expert_id, message_kind=MessageKind.text, text="在"
        )
        admin_id = await uow.session.scalar(select(AdminUser.id))
        assert admin_id is not None
        now = utcnow()
        uow.session.add(
            RequestClaim(
                request_id=request_id,
                admin_user_id=admin_id,
                claimed_at=now,
                expires_at=now + timedelta(minutes=30),
            )
        )
        await uow.commit()

    body = await (await api.get(f"/api/v1/requests/{request_id}", headers=institute)).json()
    assert body["status"] == "in_service"
    assert [(m["sender_kind"], m["sender"], m["text"]) for m in body["thread"]] == [
        ("farmer", "王二牛", "在吗"),
        ("expert", "王建国", "在"),
    ]
    assert [e["action"] for e in body["timeline"]] == ["submit", "approve", "accept"]
    assert body["expert"]["open_requests"] == 1
    assert body["claim"]["admin_id"] == admin_id and body["claim"]["active"] is True


async def test_another_county_sees_no_such_request(api: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    wuyuan = await token(uow_factory, AdminRole.county_reviewer, "五原县")
    bureau = await token(uow_factory, AdminRole.city_bureau)

    for path in (f"/api/v1/requests/{request_id}", f"/api/v1/requests/{request_id}/photos/1"):
        refused = await api.get(path, headers=wuyuan)
        assert refused.status == 404, path
        assert "临河" not in await refused.text() and TEXT not in await refused.text()
    assert (await api.get(f"/api/v1/requests/{request_id}", headers=bureau)).status == 200
    assert (await api.get("/api/v1/requests/2147483647", headers=bureau)).status == 404
    written = await api.post(f"/api/v1/requests/{request_id}/notes", headers=wuyuan, json={"text": "x"})
    assert written.status == 404
    assert (
        await api.post(f"/api/v1/requests/{request_id}/notes", headers=bureau, json={"text": "x"})
    ).status == 403
