from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.deps import BotDeps
from core.seed.demo import seed_demo
from nlu.embedded.engine import EmbeddedEngine
from nlu.screening import Screener
from render.i18n import Catalog
from storage.uow import UnitOfWork
from tests.bot.harness import Harness

# 19:00 in Bayannur on a Tuesday: after the day's last review window.
EVENING = datetime(2031, 6, 3, 11, 0, tzinfo=UTC)

FARMER = 10001  # 王二牛, on the roster of 临河区狼山镇王二牛示范户
FARMER_PHONE = "+8613904781001"
OTHER_FARMER = 10002  # 刘满仓, 五原县
OTHER_FARMER_PHONE = "13904782001"
EXPERT = 20001  # 王建国, 临河区 team leader, plant protection
EXPERT_PHONE = "13804780001"
EXPERT_2 = 20008  # 黄晓梅, 临河区, plant protection
EXPERT_2_PHONE = "13804780008"


@pytest.fixture(scope="session")
def nlu_engine() -> EmbeddedEngine:
    return EmbeddedEngine()


@pytest.fixture(scope="session")
def screener() -> Screener:
    return Screener.builtin()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture
async def deps(
    session_factory: async_sessionmaker[AsyncSession],
    nlu_engine: EmbeddedEngine,
    screener: Screener,
    catalog: Catalog,
) -> BotDeps:
    async with UnitOfWork(session_factory) as uow:
        await seed_demo(uow, now=EVENING)
    return BotDeps(
        session_factory=session_factory,
        nlu=nlu_engine,
        screener=screener,
        catalog=catalog,
        clock=lambda: EVENING,
    )


@pytest.fixture
async def harness(deps: BotDeps) -> AsyncIterator[Harness]:
    h = await Harness.build(deps)
    yield h
    await h.bot.session.close()
