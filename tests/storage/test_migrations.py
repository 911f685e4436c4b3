"""Migration stairway: every revision upgrades, downgrades and upgrades again, on this run's database."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from storage import migrate
from storage.engine import create_engine
from storage.models import Base


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


@pytest.mark.db
async def test_stairway_upgrade_downgrade_upgrade_every_revision(database_url: str) -> None:
    revisions = migrate.revisions(database_url)
    assert revisions, "no migrations found"
    await migrate.downgrade(database_url, "base")
    try:
        previous = "base"
        for revision in revisions:
            await migrate.upgrade(database_url, revision)
            await migrate.downgrade(database_url, previous)
            await migrate.upgrade(database_url, revision)
            previous = revision
        assert set(Base.metadata.tables) <= await _tables(database_url)
    finally:
        await migrate.upgrade(database_url, "head")


@pytest.mark.db
async def test_models_and_migrations_agree(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == [], f"models differ from migrations; write a migration: {diff}"
