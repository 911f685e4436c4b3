"""What the admin API's handlers need, built once by the composition root (`create_admin_app`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.types import utcnow
from storage.uow import UnitOfWork


class PhotoSource(Protocol):
    """Where a farmer's photo is fetched from by its Telegram file id: the Bot API (getFile, then
    the download), through the bot's own `Bot` (bot.photo_files.BotPhotos). Raises LookupError when
    Telegram no longer has the file, OSError when it cannot be reached."""

    async def fetch(self, file_id: str) -> bytes: ...


# Photos fetched once are kept here (admin_api.photo_cache); Telegram's file links last an hour.
DEFAULT_PHOTO_DIR = Path(__file__).resolve().parent.parent / "var" / "photos"


@dataclass(frozen=True)
class AdminServices:
    session_factory: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow
    photos: PhotoSource | None = None  # None: no bot token configured, photos cannot be fetched
    photo_dir: Path = DEFAULT_PHOTO_DIR
    # The console's cookie is Secure when X-Forwarded-Proto says https, but only if a TLS proxy in
    # front is trusted to write it (ADMIN_TRUST_PROXY); a client could write it too.
    trust_proxy: bool = False

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)


SERVICES = web.AppKey("services", AdminServices)
