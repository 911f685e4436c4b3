"""Reading one row to change it."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base

RowT = TypeVar("RowT", bound=Base)


async def row_to_change(
    session: AsyncSession, model: type[RowT], row_id: Any, *, lock: bool = True
) -> RowT | None:
    """The row as the database has it now, locked on PostgreSQL so that two concurrent actions on it
    (say, cancel and approve, or two members accepting one offer) happen one after the other."""
    query = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
    if lock:
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))
