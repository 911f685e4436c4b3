"""Build the bot's dependencies from settings: database, NLU engine, screener, catalog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.deps import BotDeps
from bot.i18n import Catalog
from jingfu.settings import DatabaseSettings, NluSettings
from nlu.embedded.engine import EmbeddedEngine
from nlu.interface import NluEngine
from nlu.screening import Screener
from storage.engine import create_engine, create_session_factory


def build_nlu(settings: NluSettings) -> NluEngine:
    if settings.rasa_url:
        from nlu.factory import build_engine

        return build_engine(settings.rasa_url)
    return EmbeddedEngine()


@asynccontextmanager
async def bot_deps(
    db: DatabaseSettings, nlu: NluSettings, *, engine: AsyncEngine | None = None
) -> AsyncIterator[BotDeps]:
    own_engine = engine is None
    engine = engine or create_engine(db.database_url, echo=db.database_echo)
    nlu_engine = build_nlu(nlu)
    try:
        yield BotDeps(
            session_factory=create_session_factory(engine),
            nlu=nlu_engine,
            screener=Screener.builtin(),
            catalog=Catalog.load(),
        )
    finally:
        await nlu_engine.close()
        if own_engine:
            await engine.dispose()
