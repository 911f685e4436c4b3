"""What the handlers need, built once by the composition root and passed through the Dispatcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nlu.interface import NluEngine
from nlu.screening import Screener
from render.i18n import Catalog
from storage.types import utcnow
from storage.uow import UnitOfWork


@dataclass
class BotDeps:
    session_factory: async_sessionmaker[AsyncSession]
    nlu: NluEngine
    screener: Screener
    catalog: Catalog = field(default_factory=Catalog.load)
    clock: Callable[[], datetime] = utcnow

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)
