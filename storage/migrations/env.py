"""Alembic environment: async engine from the configured URL, naming-convention metadata."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.engine import create_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _sqlite_pragma(connection: Connection, pragma: str) -> list[object]:
    # On the driver's connection, outside the migration's transaction: SQLite ignores
    # PRAGMA foreign_keys inside one.
    cursor = connection.connection.cursor()
    try:
        cursor.execute(pragma)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration copies a table and drops the old one; with foreign keys on, dropping a
        # table that other rows refer to (experts) fails before the copy takes its place. So they are
        # off while migrating, checked once it is done, and on again.
        _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            render_as_batch=sqlite,  # SQLite alters tables by copying them
        )
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            broken = _sqlite_pragma(connection, "PRAGMA foreign_key_check")
            _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migration left rows referring to missing rows: {broken[:5]}")


async def _run_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _configure(connectable)
    else:
        asyncio.run(_run_online())
