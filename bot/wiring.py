"""Build the bot's dependencies from settings: database, NLU engine, screener, catalog."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.deps import BotDeps
from nlu.embedded.engine import EmbeddedEngine
from nlu.interface import NluEngine
from nlu.screening import Screener
from render.i18n import Catalog
from storage.engine import create_engine, create_session_factory

log = logging.getLogger(__name__)


# What the bot reads of the settings (jingfu.settings, read by the caller: the edge above).
class DatabaseConfig(Protocol):
    @property
    def database_url(self) -> str: ...

    @property
    def database_echo(self) -> bool: ...


class NluConfig(Protocol):
    @property
    def rasa_url(self) -> str | None: ...


def build_nlu(settings: NluConfig) -> NluEngine:
    if settings.rasa_url:
        from nlu.factory import build_engine

        return build_engine(settings.rasa_url)
    return EmbeddedEngine()


async def warm_up(nlu: NluEngine, screener: Screener) -> None:
    """Build at start-up what the first message would otherwise wait for (seconds of it): the
    NLU model (loaded, or built on a fresh clone) and the screener's dictionary tables. Off the
    event loop, before the first update is taken."""
    started = time.perf_counter()
    engines = [nlu, getattr(nlu, "fallback", None)]  # Rasa's client answers with the embedded one
    for engine in engines:
        if (warm := getattr(engine, "warm_up", None)) is not None:
            await warm()
    await asyncio.to_thread(screener.prepared)
    log.info("NLU and screening ready in %.1f s", time.perf_counter() - started)


def freeze_start_up_heap() -> None:
    """Take what start-up built (the NLU model, the screener's tables, the catalog: long-lived objects
    by the million) out of the cyclic garbage collector's sight. A full collection walks every
    tracked object, so with the start-up heap in it each one costs milliseconds, paid by whichever
    update allocated past the threshold: an intake whose reply carries a dozen buttons allocates
    enough to pay it often (`bench/bot_throughput.py`, docs/bot.md). Called once by the long-running
    processes (`jingfu run`, `jingfu shell`) after `bot_deps`, and by `bench/bot_throughput.py`.
    Frozen objects are still freed by reference counting; only cycles among them stay (a screener
    replaced after a term-list edit, which is rare)."""
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def bot_deps(
    db: DatabaseConfig, nlu: NluConfig, *, engine: AsyncEngine | None = None
) -> AsyncIterator[BotDeps]:
    own_engine = engine is None
    engine = engine or create_engine(db.database_url, echo=db.database_echo)
    nlu_engine = build_nlu(nlu)
    try:
        screener = Screener.builtin()
        await warm_up(nlu_engine, screener)
        yield BotDeps(
            session_factory=create_session_factory(engine),
            nlu=nlu_engine,
            screener=screener,
            catalog=Catalog.load(),
        )
    finally:
        await nlu_engine.close()
        if own_engine:
            await engine.dispose()
