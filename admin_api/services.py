"""What the admin API's handlers need, built once by the composition root (`create_admin_app`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.types import utcnow
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class AdminServices:
    session_factory: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)


SERVICES = web.AppKey("services", AdminServices)
