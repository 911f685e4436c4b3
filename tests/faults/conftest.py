"""Fault tests: the real bot over HTTP against a stand-in Bot API, with private database and Redis
servers the tests stop and start. They need no shared service, so they run in every `pytest` run."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.deps import BotDeps
from nlu.embedded.engine import EmbeddedEngine
from nlu.screening import Screener
from render.i18n import Catalog
from storage import migrate
from storage.engine import create_engine, create_session_factory
from tests.bot.conftest import EVENING, OTHER_FARMER, OTHER_FARMER_PHONE
from tests.bot.harness import Harness
from tests.bot.test_expert_side import _in_service
from tests.faults.services import PrivatePostgres, PrivateRedis
from tests.faults.telegram_server import FakeTelegram


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


def _running(server: PrivatePostgres | PrivateRedis) -> Iterator[Any]:
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    yield from _running(PrivatePostgres())


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    yield from _running(PrivateRedis())


@pytest.fixture
def postgres_url(private_postgres: PrivatePostgres) -> str:
    return private_postgres.create_database(f"jf_faults_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/faults.sqlite3"


@asynccontextmanager
async def bot_deps_on(url: str) -> AsyncIterator[BotDeps]:
    """The bot's dependencies on a database migrated to head."""
    await migrate.upgrade(url)
    engine = create_engine(url)
    try:
        yield BotDeps(
            session_factory=create_session_factory(engine),
            nlu=EmbeddedEngine(),
            screener=Screener.builtin(),
            catalog=Catalog.load(),
            clock=lambda: EVENING,
        )
    finally:
        await engine.dispose()


async def world_in_service(deps: BotDeps) -> int:
    """The demo seed with FARMER and EXPERT in a conversation about a request, and OTHER_FARMER bound,
    made through the Dispatcher on the offline session; the request's id."""
    from core.seed.demo import seed_demo

    async with deps.uow() as uow:
        await seed_demo(uow, now=EVENING)
    h = await Harness.build(deps)
    try:
        request_id = await _in_service(h)
        await h.contact(OTHER_FARMER, OTHER_FARMER_PHONE)
        await h.pump()  # the conversation's opening pushes: not what the tests count
    finally:
        await h.bot.session.close()
    return request_id
