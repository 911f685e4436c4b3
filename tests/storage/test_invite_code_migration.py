"""Migration 0010 on a database with people in it: the old guessable codes go, and come back random."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.invite_codes import issue_code
from core.scope import CITY_SYSTEM
from core.seed.demo import seed_demo
from storage import migrate
from storage.engine import create_engine
from storage.uow import UnitOfWork

EVENING = datetime(2031, 6, 3, 11, 0, tzinfo=UTC)


async def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


@pytest.mark.db
async def test_downgrade_and_upgrade_with_experts_and_codes_in_the_database(
    database_url: str, uow_factory: Callable[[], UnitOfWork]
) -> None:
    async with uow_factory() as uow:
        await seed_demo(uow, now=EVENING)
    async with uow_factory() as uow:
        await issue_code(
            uow, CITY_SYSTEM, expert_id=int(str(await _scalar(database_url, "SELECT min(id) FROM experts")))
        )
    try:
        await migrate.downgrade(database_url, "0009")
        experts = await _scalar(database_url, "SELECT count(*) FROM experts")
        distinct = await _scalar(database_url, "SELECT count(DISTINCT invite_code) FROM experts")
        assert experts == distinct == 14
        # Random, not the derived demo codes (sha256 of the phone) that let a stranger in.
        derived = await _scalar(
            database_url,
            "SELECT count(*) FROM experts WHERE invite_code = 'E208B0C3' OR length(invite_code) < 15",
        )
        assert derived == 0
        objects = await _scalar(database_url, "SELECT count(*) FROM service_objects")
        distinct = await _scalar(database_url, "SELECT count(DISTINCT invite_code) FROM service_objects")
        assert distinct == objects
    finally:
        await migrate.upgrade(database_url, "head")
    assert await _scalar(database_url, "SELECT count(*) FROM expert_specialties") == 24
