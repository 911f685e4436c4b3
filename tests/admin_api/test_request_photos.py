"""A reviewer sees the farmer's photos: fetched once through the Bot API, then from the disk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.methods import GetFile
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from bot.offline_session import OfflineSession
from bot.photo_files import BotPhotos
from storage.enums import AdminRole
from storage.uow import UnitOfWork
from tests.admin_api.test_request_detail import flagged_request
from tests.admin_api.test_review_desk import token
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 300  # larger than one 64 KiB chunk
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def telegram() -> OfflineSession:
    return OfflineSession()


@pytest.fixture
async def photo_api(
    session_factory: async_sessionmaker[AsyncSession], telegram: OfflineSession, tmp_path: Path
) -> AsyncIterator[TestClient]:
    bot = Bot("42:TEST_TOKEN_FOR_THE_OFFLINE_SESSION_ONLY", session=telegram)
    services = AdminServices(
        session_factory=session_factory, photos=BotPhotos(bot), photo_dir=tmp_path / "photos"
    )
    async with TestClient(TestServer(create_admin_app(services), host="127.0.0.1")) as client:
        yield client


def _fetches(telegram: OfflineSession) -> list[str]:
    return [m.file_id for m in telegram.requests if isinstance(m, GetFile)]


async def test_a_photo_is_fetched_once_then_served_from_the_disk(
    photo_api: TestClient, telegram: OfflineSession, uow_factory: UowFactory, tmp_path: Path
) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world, photos=["photo-a", "voice:v1", "photo-b"])
    telegram.put_file("photo-a", JPEG)
    telegram.put_file("photo-b", PNG)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")

    first = await photo_api.get(f"/api/v1/requests/{request_id}/photos/1", headers=reviewer)
    assert first.status == 200
    assert await first.read() == JPEG
    assert first.content_type == "image/jpeg"
    assert first.headers["Cache-Control"].startswith("private")
    assert _fetches(telegram) == ["photo-a"] and telegram.downloads == ["photos/photo-a"]

    again = await photo_api.get(f"/api/v1/requests/{request_id}/photos/1", headers=reviewer)
    assert again.status == 200 and await again.read() == JPEG
    assert _fetches(telegram) == ["photo-a"] and len(telegram.downloads) == 1  # no second Bot API call

    # The second photo skips the voice note between them.
    second = await photo_api.get(f"/api/v1/requests/{request_id}/photos/2", headers=reviewer)
    assert second.content_type == "image/png" and await second.read() == PNG
    kept = sorted(p.name for p in (tmp_path / "photos").iterdir())
    assert len(kept) == 2 and not any(name.startswith(".") for name in kept)  # no temporary file left

    for n in ("3", "0", "x"):
        assert (
            await photo_api.get(f"/api/v1/requests/{request_id}/photos/{n}", headers=reviewer)
        ).status == 404


async def test_webp_and_a_photo_telegram_no_longer_has(
    photo_api: TestClient, telegram: OfflineSession, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world, photos=["photo-w", "photo-gone"])
    telegram.put_file("photo-w", WEBP)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")

    webp = await photo_api.get(f"/api/v1/requests/{request_id}/photos/1", headers=reviewer)
    assert webp.content_type == "image/webp"
    gone = await photo_api.get(f"/api/v1/requests/{request_id}/photos/2", headers=reviewer)
    assert gone.status == 404 and gone.content_type == "application/problem+json"
    assert "Telegram no longer has this photo" in (await gone.json())["detail"]


async def test_without_the_bot_s_token_photos_are_unavailable(
    api: TestClient, uow_factory: UowFactory
) -> None:
    world = await build_world(uow_factory)
    request_id = await flagged_request(uow_factory, world)
    reviewer = await token(uow_factory, AdminRole.county_reviewer, "临河区")

    response = await api.get(f"/api/v1/requests/{request_id}/photos/1", headers=reviewer)
    assert response.status == 503
    assert (await response.json())["detail"].startswith("photos need the bot's token")
