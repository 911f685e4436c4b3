"""Telegram updates handled once: an update id is claimed in the same transaction as its effects.

Telegram may deliver an update twice (a retry after a timeout, a restart mid-batch). The bot's
context middleware claims the update id as the first write of the update's unit of work; a second
delivery finds it (or waits for the first delivery's transaction, on PostgreSQL) and is dropped.
Plain Core statements, not ORM objects: this runs for every update the bot receives, and an ORM
flush of one row cost several times the statement itself.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from storage.models import ProcessedUpdate
from storage.uow import UnitOfWork

_CLAIM = insert(ProcessedUpdate)


async def claim(uow: UnitOfWork, update_id: int) -> bool:
    """Write the update id, uncommitted; False when another delivery has already claimed it."""
    try:
        await uow.session.execute(_CLAIM, {"update_id": update_id})
    except IntegrityError:
        return False
    return True


async def record_alone(uow: UnitOfWork, update_id: int) -> bool:
    """Drop whatever is uncommitted, then commit the update id by itself; False when another
    delivery recorded it meanwhile."""
    await uow.rollback()
    try:
        await uow.session.execute(_CLAIM, {"update_id": update_id})
        await uow.commit()
    except IntegrityError:
        await uow.rollback()
        return False
    return True
