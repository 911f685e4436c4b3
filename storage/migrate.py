"""Run Alembic from code, so `jingfu db upgrade` works from any directory without an alembic.ini."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.engine import create_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URLs may carry percent-encoded passwords.
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def revisions(database_url: str) -> list[str]:
    """All revisions, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(database_url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade(database_url: str, revision: str = "head") -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), revision)


async def downgrade(database_url: str, revision: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), revision)


class SchemaNotCurrent(Exception):
    """The database's schema is not the one this code was written for."""

    def __init__(self, current: str | None, head: str) -> None:
        self.current, self.head = current, head
        where = f"at revision {current}" if current else "not migrated"
        super().__init__(f"the database is {where}; this version needs {head}: run `jingfu db upgrade`")


async def require_head(database_url: str) -> None:
    """Refuse a database whose schema is not at the newest revision.

    A long-running process checks this once at start: against an older schema the bot would start,
    take updates from Telegram, and fail each farmer's message on a missing column instead.
    """
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert head is not None
    engine = create_engine(database_url, must_exist=True)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
    if current != head:
        raise SchemaNotCurrent(current, head)
