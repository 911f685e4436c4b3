"""The review queue over HTTP: oldest first, waiting time in duty hours, deadlines, filters, counts,
keyset pages; one statement for the page and its counts."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from admin_api.schemas.queue import QueueCountsOut, QueueItem, QueuePage, page_json
from core import claims, review
from core.duty_hours import REVIEW_ZONE
from core.review_queue import QueueFilter, QueuePosition, review_queue
from core.scope import CITY_SYSTEM, Staff
from storage.enums import AdminRole, RequestStatus
from storage.models import AdminUser, ServiceRequest, Township
from tests.admin_api.queue_world import (
    FLAGGED,
    Clock,
    UowFactory,
    desk_at,
    farmer_in,
    pending_at,
    staff_token,
)
from tests.demo_world import build_world


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in December 2026, Asia/Shanghai (the 5th and 6th are a Saturday and a Sunday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=REVIEW_ZONE)


NOW = sh(3, 10)  # Thursday, 10:00: on duty


async def _page(client: TestClient, headers: dict[str, str], **query: str) -> dict:
    response = await client.get("/api/v1/review-queue", headers=headers, params=query)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_oldest_first_with_waiting_time_and_deadline(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    # Submitted (in this order of id, not of time): last night, yesterday afternoon, this morning.
    night = await pending_at(uow_factory, world.farmer_id, sh(2, 22))
    afternoon = await pending_at(uow_factory, world.farmer_id, sh(2, 16), screening=FLAGGED)
    morning = await pending_at(uow_factory, world.farmer_id, sh(3, 9, 30))
    await pending_at(uow_factory, world.farmer_id, sh(2, 15), status=RequestStatus.approved)
    reviewer = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")

    async with desk_at(session_factory, Clock(NOW)) as desk:
        page = await _page(desk, reviewer)

    assert [item["id"] for item in page["items"]] == [afternoon, night, morning]
    by_id = {item["id"]: item for item in page["items"]}
    # Yesterday 16:00 → 18:00 is two duty hours, today 09:00 → 10:00 one more; due yesterday at 18:00.
    assert by_id[afternoon]["waiting_duty_seconds"] == 3 * 3600
    assert by_id[afternoon]["overdue"] is True
    assert datetime.fromisoformat(by_id[afternoon]["review_due_by"]) == sh(2, 18)
    assert by_id[afternoon]["screening_flags"] == ["敏感:农药"]
    # Last night's request waited only this morning's hour, and is due this evening.
    assert by_id[night]["waiting_duty_seconds"] == 3600
    assert by_id[night]["overdue"] is False
    assert datetime.fromisoformat(by_id[night]["review_due_by"]) == sh(3, 18)
    assert by_id[morning]["waiting_duty_seconds"] == 30 * 60
    assert by_id[morning]["claim"] is None
    assert page["counts"] == {
        "pending": 3,
        "flagged": 1,
        "overdue": 1,
        "claimed_by_me": 0,
        "claimed_by_others": 0,
        "unclaimed": 3,
    }
    assert page["next_cursor"] is None


async def test_weekend_requests_are_due_on_the_weekend(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    saturday_evening = await pending_at(uow_factory, world.farmer_id, sh(5, 19))
    institute = await staff_token(uow_factory, AdminRole.city_institute, None, "市农科院")

    async with desk_at(session_factory, Clock(sh(6, 17, 59))) as desk:
        [item] = (await _page(desk, institute))["items"]
        assert item["id"] == saturday_evening and item["overdue"] is False
        assert item["waiting_duty_seconds"] == 6 * 3600 - 60  # Sunday's duty, less a minute
    async with desk_at(session_factory, Clock(sh(6, 18))) as desk:
        page = await _page(desk, institute)
        assert page["items"][0]["overdue"] is True and page["counts"]["overdue"] == 1
        assert (await _page(desk, institute, overdue="false"))["items"] == []


async def test_filters_narrow_and_counts_show_the_shape(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    langshan = await farmer_in(uow_factory, "狼山镇")
    ganzhaomiao = await farmer_in(uow_factory, "干召庙镇")
    wuyuan = await farmer_in(uow_factory, "隆兴昌镇")
    old_flagged = await pending_at(uow_factory, langshan, sh(1, 10), screening=FLAGGED)
    vet = await pending_at(uow_factory, ganzhaomiao, sh(3, 9), specialty="veterinary")
    fresh = await pending_at(uow_factory, world.farmer_id, sh(3, 9, 30))
    other_county = await pending_at(uow_factory, wuyuan, sh(2, 9))
    reviewer = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")
    colleague = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "张审核")
    institute = await staff_token(uow_factory, AdminRole.city_institute, None, "市农科院")
    async with uow_factory() as uow:
        li = await uow.session.scalar(select(AdminUser).where(AdminUser.name == "李审核"))
        zhang = await uow.session.scalar(select(AdminUser).where(AdminUser.name == "张审核"))
        langshan_id = await uow.session.scalar(select(Township.id).where(Township.name == "狼山镇"))
        wuyuan_town = await uow.session.scalar(select(Township.id).where(Township.name == "隆兴昌镇"))
        assert li is not None and zhang is not None
    for admin, request_id in ((li, vet), (zhang, fresh)):
        async with uow_factory() as uow:
            staff = Staff(admin.id, admin.county_id, admin.role)
            await claims.claim(uow, request_id, staff, now=NOW - timedelta(minutes=5), via="test")

    async def ids(headers: dict[str, str], **query: str) -> list[int]:
        return [item["id"] for item in (await _page(desk, headers, **query))["items"]]

    async with desk_at(session_factory, Clock(NOW)) as desk:
        assert await ids(reviewer) == [old_flagged, vet, fresh]  # never the other county's
        assert await ids(institute) == [old_flagged, other_county, vet, fresh]
        assert await ids(institute, county="五原县") == [other_county]
        assert await ids(reviewer, county="临河区") == [old_flagged, vet, fresh]
        # The demo's farmer lives in 狼山镇 too.
        assert await ids(reviewer, township=str(langshan_id)) == [old_flagged, fresh]
        assert await ids(reviewer, township="干召庙镇") == [vet]
        assert await ids(reviewer, specialty="veterinary") == [vet]
        assert await ids(reviewer, flagged="true") == [old_flagged]
        assert await ids(reviewer, flagged="false") == [vet, fresh]
        assert await ids(reviewer, overdue="true") == [old_flagged]
        assert await ids(reviewer, claimed="me") == [vet]
        assert await ids(colleague, claimed="me") == [fresh]
        assert await ids(reviewer, claimed="anyone") == [vet, fresh]
        assert await ids(reviewer, claimed="none") == [old_flagged]
        assert await ids(reviewer, claimed="none", flagged="false") == []

        page = await _page(desk, reviewer, claimed="none")
        # Counts follow the scope (and county, township, specialty), not the pick among them.
        assert page["counts"] == {
            "pending": 3,
            "flagged": 1,
            "overdue": 1,
            "claimed_by_me": 1,
            "claimed_by_others": 1,
            "unclaimed": 1,
        }
        assert (await _page(desk, reviewer, specialty="veterinary"))["counts"]["pending"] == 1
        [claimed] = (await _page(desk, colleague, claimed="anyone", specialty="veterinary"))["items"]
        assert claimed["claim"]["claimed_by"] == "李审核"
        assert datetime.fromisoformat(claimed["claim"]["expires_at"]) == NOW + timedelta(minutes=25)

        # A county role naming another county, or its township, finds nothing there: 404.
        for query in ({"county": "五原县"}, {"township": str(wuyuan_town)}, {"township": "隆兴昌镇"}):
            refused = await desk.get("/api/v1/review-queue", headers=reviewer, params=query)
            assert refused.status == 404, query
            assert "五原" not in await refused.text()
        for query in (
            {"county": "无此县"},
            {"specialty": "astrology"},
            {"township": "999999"},
            {"township": "99999999999"},  # beyond the INTEGER ids: names nothing
        ):
            assert (await desk.get("/api/v1/review-queue", headers=institute, params=query)).status == 404
        for query in (
            {"limit": "0"},
            {"limit": "101"},
            {"claimed": "mine"},
            {"flagged": "perhaps"},
            {"colour": "red"},
            {"county": ""},
        ):
            refused = await desk.get("/api/v1/review-queue", headers=reviewer, params=query)
            assert refused.status == 400, query
            assert refused.content_type == "application/problem+json"


async def test_keyset_pages_are_stable_under_new_submissions(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    # Two share a submission time: the id breaks the tie, so neither is skipped at a page boundary.
    times = [sh(1, 9), sh(1, 10), sh(1, 10), sh(2, 9), sh(2, 16)]
    queued = [await pending_at(uow_factory, world.farmer_id, at) for at in times]
    reviewer = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")
    clock = Clock(NOW)

    async with desk_at(session_factory, clock) as desk:
        first = await _page(desk, reviewer, limit="2")
        assert [item["id"] for item in first["items"]] == queued[:2]
        assert first["counts"]["pending"] == 5
        # A farmer submits, and a reviewer decides one of the first page, while the desk pages on.
        newcomer = await pending_at(uow_factory, world.farmer_id, NOW)
        async with uow_factory() as uow:
            await review.approve(uow, queued[0], CITY_SYSTEM, via="test", now=NOW)
        second = await _page(desk, reviewer, limit="2", cursor=first["next_cursor"])
        assert [item["id"] for item in second["items"]] == queued[2:4]
        third = await _page(desk, reviewer, limit="2", cursor=second["next_cursor"])
        assert [item["id"] for item in third["items"]] == [queued[4], newcomer]
        assert third["next_cursor"] is None
        assert (await _page(desk, reviewer, limit="100"))["next_cursor"] is None
        # The cursor's time is a UTC instant: the same instant written in local time reads alike.
        position = QueuePosition.decode(first["next_cursor"])
        local = QueuePosition(position.submitted_at.astimezone(REVIEW_ZONE), position.id).encode()
        again = await _page(desk, reviewer, limit="2", cursor=local)
        assert [item["id"] for item in again["items"]] == queued[2:4]

        for bad in ("nonsense!", "", base64.urlsafe_b64encode(b'["2026-12-01T00:00:00", 1]').decode(), "e30"):
            refused = await desk.get("/api/v1/review-queue", headers=reviewer, params={"cursor": bad})
            assert refused.status == 400, bad
            assert "cursor" in (await refused.json())["detail"]


async def test_a_page_and_its_counts_are_one_statement(engine: AsyncEngine, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    for hour in range(24):
        await pending_at(uow_factory, world.farmer_id, sh(2, hour), screening=FLAGGED if hour % 2 else None)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with uow_factory() as uow:
            page = await review_queue(
                uow, Staff(None, world.county_id, AdminRole.county_reviewer), QueueFilter(), now=NOW, limit=20
            )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert len(page.entries) == 20 and page.next_cursor is not None and page.counts.flagged == 12
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects


async def test_photos_are_counted_flags_read_and_an_empty_page_keeps_its_counts(
    uow_factory: UowFactory,
) -> None:
    world = await build_world(uow_factory)
    two_photos = await pending_at(uow_factory, world.farmer_id, sh(2, 9), screening=FLAGGED)
    no_photos = await pending_at(uow_factory, world.farmer_id, sh(2, 10))
    async with uow_factory() as uow:
        request = await uow.session.get(ServiceRequest, two_photos)
        assert request is not None
        request.photo_file_ids = ["AgACAgIAAxk-1", "AgACAgIAAxk-2"]
        await uow.commit()
    staff = Staff(None, world.county_id, AdminRole.county_reviewer)

    async with uow_factory() as uow:
        page = await review_queue(uow, staff, QueueFilter(), now=NOW, limit=20)
    shown = {entry.request.id: entry.request for entry in page.entries}
    assert shown[two_photos].photo_count == 2 and shown[no_photos].photo_count == 0
    assert shown[two_photos].screening_flags == ("敏感:农药",)
    assert shown[no_photos].screening_flags == ()

    async with uow_factory() as uow:  # flagged, after the only flagged request: no rows, still counts
        empty = await review_queue(
            uow,
            staff,
            QueueFilter(flagged=True),
            now=NOW,
            limit=20,
            after=QueuePosition(sh(2, 9), two_photos),
        )
    assert empty.entries == [] and empty.next_cursor is None
    assert (empty.counts.pending, empty.counts.flagged, empty.counts.unclaimed) == (2, 1, 2)


async def test_the_page_is_written_as_the_models_would_write_it(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    """The queue's JSON is written straight from core's rows (admin_api.schemas.queue.page_json): the
    same bytes as the documented models, with a claim, flags, photos, a time with microseconds and
    text that needs escaping."""
    world = await build_world(uow_factory)
    flagged = await pending_at(uow_factory, world.farmer_id, sh(1, 10, 7), screening=FLAGGED)
    await pending_at(uow_factory, world.farmer_id, sh(2, 9))
    async with uow_factory() as uow:
        request = await uow.session.get(ServiceRequest, flagged)
        assert request is not None
        request.photo_file_ids = ["AgACAgIAAxk-1"]
        request.submitted_at = sh(1, 10, 7) + timedelta(microseconds=123_450)
        request.description = '叶片发黄 "黑斑"\n\t\\ \x01 \u2028 end'
        await uow.commit()
    reviewer = await staff_token(uow_factory, AdminRole.county_reviewer, "临河区", "李审核")
    async with uow_factory() as uow:
        li = await uow.session.scalar(select(AdminUser).where(AdminUser.name == "李审核"))
        assert li is not None
        staff = Staff(li.id, li.county_id, li.role)
        await claims.claim(uow, flagged, staff, now=NOW - timedelta(minutes=5), via="test")

    async with uow_factory() as uow:
        page = await review_queue(uow, staff, QueueFilter(), now=NOW, limit=1)
    assert page.entries[0].claim is not None and page.entries[0].request.screening_flags
    assert page.next_cursor is not None
    by_models = QueuePage(
        items=[QueueItem.of(entry) for entry in page.entries],
        counts=QueueCountsOut.of(page.counts),
        next_cursor=page.next_cursor,
    ).model_dump_json()
    assert page_json(page).decode() == by_models

    async with desk_at(session_factory, Clock(NOW)) as desk:  # what a reviewer receives, in full
        response = await desk.get("/api/v1/review-queue", headers=reviewer, params={"limit": "1"})
        assert response.status == 200 and response.content_type == "application/json"
        assert response.charset == "utf-8" and await response.text() == by_models
